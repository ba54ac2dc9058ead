package dev.devproxy.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated streams of valid pipelined messages, with random field lines, OWS, bodies of every byte, chunk
 * sizes, chunk extensions and trailers, parsed from random splits of the bytes and compared to the model
 * they were generated from. Seeded, so a failure names the seed that reproduces it.
 */
class RandomStreamTest {
    private static final String TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final int SPLITS_PER_STREAM = 24;

    /** One message as generated: what it should parse to. */
    private record Message(String head, List<String> fields, String body, List<String> trailers) {
    }

    static IntStream seeds() {
        return IntStream.range(0, 60);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void generatedRequestStreamParsesToItsModelInAnySplit(int seed) {
        Random random = new Random(seed);
        StringBuilder wire = new StringBuilder();
        List<Message> messages = new ArrayList<>();
        for (int i = random.nextInt(4) + 1; i > 0; i--) {
            messages.add(request(random, wire));
        }
        Transcript transcript = parseInRandomSplits(wire.toString(), random, Incremental::defaultRequests);

        assertNull(transcript.error(), transcript::toString);
        assertEquals(messages.stream().map(Message::head).toList(),
                transcript.requests().stream().map(head -> head.method() + " " + head.target()).toList());
        assertEquals(messages.stream().map(Message::fields).toList(),
                transcript.requests().stream().map(RequestSnapshot::headers).toList());
        assertEquals(messages.stream().map(Message::body).toList(), transcript.bodies());
        assertEquals(messages.stream().map(Message::trailers).toList(), transcript.trailers());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void generatedResponseStreamParsesToItsModelInAnySplit(int seed) {
        Random random = new Random(seed);
        StringBuilder wire = new StringBuilder();
        List<Message> messages = new ArrayList<>();
        for (int i = random.nextInt(4) + 1; i > 0; i--) {
            messages.add(response(random, wire, i == 1));
        }
        Transcript transcript = parseInRandomSplits(wire.toString(), random, Incremental::defaultResponses);

        assertNull(transcript.error(), transcript::toString);
        assertEquals(messages.stream().map(Message::head).toList(),
                transcript.responses().stream().map(head -> head.status() + " " + head.reason()).toList());
        assertEquals(messages.stream().map(Message::fields).toList(),
                transcript.responses().stream().map(ResponseSnapshot::headers).toList());
        assertEquals(messages.stream().map(Message::body).toList(), transcript.bodies());
        assertEquals(messages.stream().map(Message::trailers).toList(), transcript.trailers());
    }

    private static Transcript parseInRandomSplits(String wire, Random random, Supplier<Supplier<Incremental.Driver>> drivers) {
        byte[] bytes = Incremental.latin1(wire);
        Transcript whole = Incremental.feed(bytes, new int[] {bytes.length}, false, 0, drivers.get().get());
        for (int round = 0; round < SPLITS_PER_STREAM; round++) {
            int[] pieces = randomPieces(bytes.length, random);
            Transcript split = Incremental.feed(bytes, pieces, random.nextBoolean(), random.nextInt(4), drivers.get().get());
            assertEquals(whole, split, () -> "pieces " + Arrays.toString(pieces));
        }
        return whole;
    }

    private static int[] randomPieces(int length, Random random) {
        List<Integer> pieces = new ArrayList<>();
        // Mostly tiny pieces, sometimes large ones, so splits land inside every kind of token.
        for (int left = length; left > 0; ) {
            int piece = Math.min(left, random.nextInt(4) == 0 ? 1 + random.nextInt(64) : 1 + random.nextInt(4));
            pieces.add(piece);
            left -= piece;
        }
        return pieces.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Message request(Random random, StringBuilder wire) {
        String method = pick(random, "GET", "POST", "PUT", "PATCH", "X-" + token(random));
        String target = "/" + token(random) + (random.nextBoolean() ? "?" + token(random) + "=" + token(random) : "");
        wire.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        List<String> fields = new ArrayList<>();
        field(random, wire, fields, "Host", "example.com");
        return withBody(random, wire, method + " " + target, fields, random.nextInt(3), true);
    }

    private static Message response(Random random, StringBuilder wire, boolean last) {
        int status = Integer.parseInt(pick(random, "200", "201", "204", "304", "404", "500", "103"));
        String reason = random.nextBoolean() ? "" : token(random) + " " + token(random);
        wire.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        List<String> fields = new ArrayList<>();
        if (status < 200 || status == 204 || status == 304) {
            fields(random, wire, fields);
            wire.append("\r\n");
            return new Message(status + " " + reason, fields, "", List.of());
        }
        // Only the last response may be delimited by the close (framing 3).
        return withBody(random, wire, status + " " + reason, fields, random.nextInt(last ? 4 : 3), false);
    }

    /**
     * Framing 0: no body (no framing fields, or Content-Length: 0, which a response needs), 1: Content-Length,
     * 2: chunked, 3: until the close.
     */
    private static Message withBody(Random random, StringBuilder wire, String head, List<String> fields, int framing,
            boolean request) {
        String body = framing == 0 ? "" : bytes(random, random.nextInt(200));
        List<String> trailers = new ArrayList<>();
        fields(random, wire, fields);
        switch (framing) {
            case 0 -> {
                if (!request || random.nextBoolean()) {
                    field(random, wire, fields, "Content-Length", "0");
                }
            }
            case 1 -> field(random, wire, fields, "Content-Length", Integer.toString(body.length()));
            case 2 -> field(random, wire, fields, "Transfer-Encoding", "chunked");
            default -> { }
        }
        fields(random, wire, fields);
        wire.append("\r\n");
        if (framing == 2) {
            for (int at = 0; at < body.length(); ) {
                int size = Math.min(body.length() - at, 1 + random.nextInt(40));
                String hex = "0".repeat(random.nextInt(3)) + Integer.toHexString(size);
                wire.append(random.nextBoolean() ? hex : hex.toUpperCase()).append(extensions(random)).append("\r\n")
                        .append(body, at, at + size).append("\r\n");
                at += size;
            }
            wire.append("0").append(extensions(random)).append("\r\n");
            fields(random, wire, trailers);
            wire.append("\r\n");
        } else {
            wire.append(body);
        }
        return new Message(head, fields, body, trailers);
    }

    private static void fields(Random random, StringBuilder wire, List<String> fields) {
        for (int i = random.nextInt(4); i > 0; i--) {
            field(random, wire, fields, "X-" + token(random), value(random));
        }
    }

    private static void field(Random random, StringBuilder wire, List<String> fields, String name, String value) {
        wire.append(name).append(':').append(ows(random)).append(value).append(ows(random)).append("\r\n");
        fields.add(name + ": " + value);
    }

    private static String extensions(Random random) {
        StringBuilder extensions = new StringBuilder();
        for (int i = random.nextInt(3); i > 0; i--) {
            extensions.append(pick(random, "", " ")).append(';').append(pick(random, "", "\t")).append(token(random));
            switch (random.nextInt(3)) {
                case 0 -> extensions.append('=').append(token(random));
                case 1 -> extensions.append(" = \"").append(pick(random, "a b", "q\\\"d", "\u00e9;,")).append('"');
                default -> { }
            }
        }
        return extensions.toString();
    }

    private static String token(Random random) {
        StringBuilder token = new StringBuilder();
        for (int i = 1 + random.nextInt(8); i > 0; i--) {
            token.append(TCHARS.charAt(random.nextInt(TCHARS.length())));
        }
        return token.toString();
    }

    /** A field value: field-vchar at both ends, SP and HTAB allowed inside (RFC 9110 §5.5). */
    private static String value(Random random) {
        StringBuilder value = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            value.append(vchar(random));
            if (random.nextInt(4) == 0) {
                value.append(pick(random, " ", "\t", "  "));
            }
        }
        if (value.length() > 0) {
            value.append(vchar(random));
        }
        return value.toString();
    }

    private static char vchar(Random random) {
        return random.nextInt(8) == 0 ? (char) (0x80 + random.nextInt(0x80)) : (char) (0x21 + random.nextInt(0x7E - 0x21 + 1));
    }

    private static String ows(Random random) {
        return pick(random, "", " ", "", "\t", "  \t");
    }

    private static String bytes(Random random, int length) {
        StringBuilder bytes = new StringBuilder();
        for (int i = 0; i < length; i++) {
            bytes.append((char) random.nextInt(256));
        }
        return bytes.toString();
    }

    private static String pick(Random random, String... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
