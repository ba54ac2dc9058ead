package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes {@link ChunkedDecoder} on its own with arbitrary bytes as a chunked body, the one resumable state
 * machine in the parser and the classic smuggling gadget ("funky chunks").
 *
 * <p>Without {@code JAZZER_FUZZ} this runs in regression mode, once per file in
 * {@code src/test/resources/dev/devproxy/parser/ChunkedDecoderFuzzTestInputs/chunkedBodyDecodesTheSameEveryWay/};
 * {@code devproxy-parser/fuzz.sh} fuzzes it for real. Besides the checks of {@link FuzzChecks} (with the
 * default limits, {@link FuzzChecks#SMALL_LIMITS} and a bare-LF-tolerant decoder), a body that decodes is
 * framed again the way DevProxy forwards it (one chunk, the last chunk, the trailers) and must decode to the
 * same data and trailers: what the proxy sends on is read as what it received.
 */
class ChunkedDecoderFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void chunkedBodyDecodesTheSameEveryWay(byte[] input) {
        Transcript strict = FuzzChecks.sameInEverySplit(input, () -> decoder(ParserLimits.defaults(), false));
        Transcript small = FuzzChecks.sameInEverySplit(input, () -> decoder(FuzzChecks.SMALL_LIMITS, false));
        Transcript lenient = FuzzChecks.sameInEverySplit(input, () -> decoder(ParserLimits.defaults(), true));

        FuzzChecks.agreesUpToItsError(small, strict, "a decoder with smaller limits");
        FuzzChecks.agreesUpToItsError(strict, lenient, "the strict decoder");
        if (strict.endCount() == 1) {
            String data = strict.bodies().get(0);
            List<String> trailers = strict.trailers().get(0);
            byte[] again = reframe(data, trailers);
            Transcript reframed = Incremental.feed(again, new int[] {again.length}, false, 0,
                    decoder(ParserLimits.defaults(), false));
            assertEquals(List.of(data), reframed.bodies(), "the data, framed again");
            assertEquals(List.of(trailers), reframed.trailers(), "the trailers, framed again");
        }
    }

    /** The body as DevProxy's forwarding frames it: the data in one chunk, then the last chunk and trailers. */
    private static byte[] reframe(String data, List<String> trailers) {
        StringBuilder wire = new StringBuilder();
        if (!data.isEmpty()) {
            wire.append(Integer.toHexString(data.length())).append("\r\n").append(data).append("\r\n");
        }
        wire.append("0\r\n");
        for (String trailer : trailers) {
            wire.append(trailer).append("\r\n");
        }
        return wire.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A driver over a fresh decoder, as {@link BodyDecoder} drives it: chunked framing until END, then whatever
     * follows is consumed unread (it belongs to the next message); input that ends before END is
     * {@link ParseError#TRUNCATED}. An error sticks, as the parsers make it (the decoder itself is not called
     * again after one).
     */
    private static Incremental.Driver decoder(ParserLimits limits, boolean bareLfEndsLines) {
        ChunkedDecoder decoder = new ChunkedDecoder(limits, limits.maxBodySize(), bareLfEndsLines);
        decoder.start();
        return new Incremental.Driver() {
            private boolean ended;
            private boolean failed;
            private boolean truncated;

            @Override
            public ParseStatus parse(ByteBuffer input) {
                if (failed) {
                    return ParseStatus.ERROR;
                }
                if (ended) {
                    input.position(input.limit());
                    return ParseStatus.NEED_MORE;
                }
                ParseStatus status = decoder.decode(input);
                ended = status == ParseStatus.END;
                failed = status == ParseStatus.ERROR;
                return status;
            }

            @Override
            public ParseStatus endOfInput() {
                truncated = !ended;
                return ended ? ParseStatus.NEED_MORE : ParseStatus.ERROR;
            }

            @Override
            public Object snapshotHead() {
                throw new IllegalStateException("a chunked body has no head");
            }

            @Override
            public int bodyOffset() {
                return decoder.bodyOffset();
            }

            @Override
            public int bodyLength() {
                return decoder.bodyLength();
            }

            @Override
            public HeaderFields trailers() {
                return decoder.trailers();
            }

            @Override
            public ParseError error() {
                return truncated ? ParseError.TRUNCATED : decoder.error();
            }
        };
    }
}
