package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Feeds the same bytes to fresh parsers in many splits (whole, byte by byte, at every split point, at random
 * points; heap and direct buffers; buffers whose position does not start at 0) and checks every split gives
 * the same {@link Transcript}. Splitting must never change what a parser reports, or a proxy would frame a
 * message differently depending on how TCP segmented it.
 */
final class Incremental {
    /** Inputs longer than this are split at a sample of points rather than at every one, to keep the suite fast. */
    private static final int EVERY_SPLIT_LIMIT = 4096;
    private static final int RANDOM_SPLITS = 12;

    private Incremental() {
    }

    /** A parser as the harness drives it. */
    interface Driver {
        ParseStatus parse(ByteBuffer input);

        ParseStatus endOfInput();

        Object snapshotHead();

        int bodyOffset();

        int bodyLength();

        /** The parser's {@code bodySlice()}, or null for a driver of a decoder that has none. */
        default @Nullable ByteBuffer bodySlice() {
            return null;
        }

        HeaderFields trailers();

        ParseError error();
    }

    static Driver requests(RequestParser parser) {
        return new Driver() {
            @Override public ParseStatus parse(ByteBuffer input) { return parser.parse(input); }
            @Override public ParseStatus endOfInput() { return parser.endOfInput(); }
            @Override public Object snapshotHead() { return RequestSnapshot.of(parser.head()); }
            @Override public int bodyOffset() { return parser.bodyOffset(); }
            @Override public int bodyLength() { return parser.bodyLength(); }
            @Override public ByteBuffer bodySlice() { return parser.bodySlice(); }
            @Override public HeaderFields trailers() { return parser.trailers(); }
            @Override public ParseError error() { return parser.error(); }
        };
    }

    /**
     * A driver that tells the parser, before each final response, whether it answers a HEAD request:
     * {@code headRequests[i]} for the i-th final response, false past the end of the array.
     */
    static Driver responses(ResponseParser parser, boolean... headRequests) {
        parser.expectResponseToHead(headRequests.length > 0 && headRequests[0]);
        return new Driver() {
            private int finalResponses;

            @Override public ParseStatus parse(ByteBuffer input) { return afterEvent(parser.parse(input)); }
            @Override public ParseStatus endOfInput() { return afterEvent(parser.endOfInput()); }
            @Override public Object snapshotHead() { return ResponseSnapshot.of(parser.head()); }
            @Override public int bodyOffset() { return parser.bodyOffset(); }
            @Override public int bodyLength() { return parser.bodyLength(); }
            @Override public ByteBuffer bodySlice() { return parser.bodySlice(); }
            @Override public HeaderFields trailers() { return parser.trailers(); }
            @Override public ParseError error() { return parser.error(); }

            private ParseStatus afterEvent(ParseStatus status) {
                if (status == ParseStatus.END && parser.head().status() >= 200) {
                    finalResponses++;
                    parser.expectResponseToHead(finalResponses < headRequests.length && headRequests[finalResponses]);
                }
                return status;
            }
        };
    }

    static Supplier<Driver> defaultRequests() {
        return () -> requests(new RequestParser());
    }

    static Supplier<Driver> defaultResponses() {
        return () -> responses(new ResponseParser());
    }

    static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Parses {@code input} with fresh default request parsers in every split; returns the common transcript. */
    static Transcript requestsEveryWay(String input) {
        return everyWay(latin1(input), defaultRequests());
    }

    /** Parses {@code input} with fresh default response parsers in every split; returns the common transcript. */
    static Transcript responsesEveryWay(String input) {
        return everyWay(latin1(input), defaultResponses());
    }

    /**
     * Feeds {@code bytes} to a fresh driver (a) whole, (b) byte by byte, (c) split in two at every point, and
     * (d) split at random points with a seeded {@link Random}, alternating heap and direct buffers, and asserts
     * that all transcripts are equal.
     *
     * @return the transcript of the whole feed
     */
    static Transcript everyWay(byte[] bytes, Supplier<Driver> drivers) {
        Transcript whole = feed(bytes, new int[] {bytes.length}, false, 0, drivers.get());
        assertSame(whole, feed(bytes, new int[] {bytes.length}, true, 3, drivers.get()), "whole, direct buffer");

        int[] ones = new int[bytes.length];
        Arrays.fill(ones, 1);
        assertSame(whole, feed(bytes, ones, true, 1, drivers.get()), "byte by byte");

        for (int split : splitPoints(bytes.length)) {
            int[] pieces = {split, bytes.length - split};
            assertSame(whole, feed(bytes, pieces, split % 2 == 0, split % 5, drivers.get()), "split at " + split);
        }

        Random random = new Random(Arrays.hashCode(bytes));
        for (int round = 0; round < RANDOM_SPLITS; round++) {
            int[] pieces = randomPieces(bytes.length, random);
            boolean direct = random.nextBoolean();
            assertSame(whole, feed(bytes, pieces, direct, random.nextInt(8), drivers.get()),
                    "random pieces " + Arrays.toString(pieces) + (direct ? " (direct)" : " (heap)"));
        }
        return whole;
    }

    private static int[] splitPoints(int length) {
        if (length <= EVERY_SPLIT_LIMIT) {
            int[] points = new int[Math.max(0, length - 1)];
            for (int i = 0; i < points.length; i++) {
                points[i] = i + 1;
            }
            return points;
        }
        // A sample: the first and last 64 points, where the start and end of the input are, and ~1000 between.
        List<Integer> points = new ArrayList<>();
        for (int split = 1; split < length; split++) {
            if (split <= 64 || split >= length - 64 || split % (length / 1000) == 0) {
                points.add(split);
            }
        }
        return points.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] randomPieces(int length, Random random) {
        List<Integer> pieces = new ArrayList<>();
        int left = length;
        int most = Math.max(1, length / 4);
        while (left > 0) {
            int piece = Math.min(left, 1 + random.nextInt(most));
            pieces.add(piece);
            left -= piece;
        }
        return pieces.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void assertSame(Transcript expected, Transcript actual, String how) {
        assertEquals(expected, actual, () -> "fed " + how + ", the transcript differs from the whole feed's");
    }

    /**
     * Feeds {@code bytes} to {@code driver} in pieces of the given sizes, each in its own buffer whose position
     * starts after {@code prefix} bytes of junk, and records what the parser reports.
     */
    static Transcript feed(byte[] bytes, int[] pieceSizes, boolean direct, int prefix, Driver driver) {
        List<Transcript.Event> events = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        int offset = 0;
        for (int size : pieceSizes) {
            ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(prefix + size) : ByteBuffer.allocate(prefix + size);
            for (int i = 0; i < prefix; i++) {
                buffer.put((byte) '#');
            }
            buffer.put(bytes, offset, size).flip().position(prefix);
            offset += size;
            // A parser that reports an event must make progress: each event consumes bytes or changes state,
            // so a piece can only yield a bounded number of them.
            for (int calls = 0; ; calls++) {
                assertTrue(calls < 4 * size + 16, "the parser keeps reporting events without consuming input");
                int before = buffer.position();
                ParseStatus status = driver.parse(buffer);
                if (status == ParseStatus.NEED_MORE) {
                    assertFalse(buffer.hasRemaining(), "NEED_MORE must consume every byte given");
                    break;
                }
                if (status == ParseStatus.BODY) {
                    int bodyOffset = driver.bodyOffset();
                    int bodyLength = driver.bodyLength();
                    assertTrue(bodyLength >= 1, "a body run has at least one byte");
                    assertTrue(bodyOffset >= before && bodyOffset + bodyLength <= buffer.position(),
                            "a body run lies in the bytes this call consumed");
                    assertEquals(bodyOffset + bodyLength, buffer.position(),
                            "the position is just past the body run, as the README says");
                    for (int i = bodyOffset; i < bodyOffset + bodyLength; i++) {
                        body.append((char) (buffer.get(i) & 0xFF));
                    }
                    ByteBuffer slice = driver.bodySlice();
                    if (slice != null) {
                        assertTrue(slice.isReadOnly(), "a body slice is read-only");
                        assertEquals(bodyOffset, slice.position(), "a body slice starts at bodyOffset()");
                        assertEquals(bodyOffset + bodyLength, slice.limit(), "a body slice ends after bodyLength()");
                        assertEquals(buffer.isDirect(), slice.isDirect(), "a body slice views the buffer given");
                        assertEquals(buffer.duplicate().position(bodyOffset).limit(bodyOffset + bodyLength), slice,
                                "a body slice holds the run's bytes");
                    }
                    continue;
                }
                flushBody(events, body);
                if (status == ParseStatus.ERROR) {
                    ParseError error = driver.error();
                    events.add(new Transcript.Error(error));
                    assertEquals(ParseStatus.ERROR, driver.parse(buffer), "a failed parser stays failed");
                    assertEquals(error, driver.error(), "a failed parser keeps its error");
                    return new Transcript(events);
                }
                events.add(status == ParseStatus.HEAD
                        ? new Transcript.Head(driver.snapshotHead())
                        : new Transcript.End(RequestSnapshot.fieldLines(driver.trailers())));
            }
        }
        flushBody(events, body);
        ParseStatus atEnd = driver.endOfInput();
        if (atEnd == ParseStatus.ERROR) {
            events.add(new Transcript.Error(driver.error()));
        } else {
            if (atEnd == ParseStatus.END) {
                events.add(new Transcript.End(RequestSnapshot.fieldLines(driver.trailers())));
            }
            events.add(new Transcript.EndOfInput(atEnd));
        }
        return new Transcript(events);
    }

    private static void flushBody(List<Transcript.Event> events, StringBuilder body) {
        if (body.length() > 0) {
            events.add(new Transcript.Body(body.toString()));
            body.setLength(0);
        }
    }
}
