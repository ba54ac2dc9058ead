package dev.devproxy.proxy;

import static dev.devproxy.proxy.ProxyTestKit.assertErrorResponse;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.ProxyProbe;
import dev.devproxy.Route;
import dev.devproxy.proxy.ProxyTestKit.Field;
import dev.devproxy.proxy.ProxyTestKit.Legs;
import dev.devproxy.proxy.ProxyTestKit.RawClient;
import dev.devproxy.proxy.ProxyTestKit.RawResponse;
import dev.devproxy.proxy.ProxyTestKit.ScriptedUpstream;
import dev.devproxy.proxy.ProxyTestKit.UpstreamRequest;
import java.io.EOFException;
import java.lang.management.ManagementFactory;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request smuggling through DevProxy in proxy mode: ambiguous framing sent by a client must be rejected, or
 * forwarded so that the upstream reads exactly the requests the client framed, no more and no other.
 *
 * <p>Each case runs against its own proxy and its own upstream. The upstream parses what it receives strictly
 * and independently of DevProxy's parser ({@link ProxyTestKit.Peer#readRequest}: CRLF lines, one
 * Content-Length or chunked), answers every request with a one-line summary of how it read it
 * ({@code POST /a [CL 5] hello}), and records it. After the client is done, the proxy is closed and the test
 * waits until the upstream has read every connection to its end, so a request that would only arrive late
 * is still counted. Then:
 * <ul>
 *   <li>a case that is <b>forwarded</b> gets one 200 per request, whose bodies are the expected summaries in
 *       order; then a probe request on the same connection must be answered as the next request, so no
 *       leftover byte has been taken for the start of a request (the desync every smuggling attack needs);</li>
 *   <li>a case that is <b>rejected</b> gets the responses of the valid requests before it, then the error in the
 *       plain-text error format, and the connection closes: nothing after the ambiguity reaches the upstream;</li>
 *   <li>in every case, the upstream saw exactly the expected summaries, and nothing it could not parse; and
 *       the proxy was left with no open connection and no pooled buffer before it was closed.</li>
 * </ul>
 * A case marked {@code cutShort()} is rejected only after its head went upstream (the body is streamed, so a bad
 * chunk is found after the head is sent): the upstream then sees a request that ends in the middle, which it
 * must drop as incomplete, and never a complete one.
 *
 * <p>The cases follow RFC 9112 (sections 2.2, 3, 5, 6, 7 and 9) and the published attacks: Watchfire's
 * "HTTP Request Smuggling" (2005), James Kettle's "HTTP Desync Attacks" (2019) and "Browser-Powered Desync
 * Attacks" (2022, CL.0), Bishop Fox's h2c smuggling (2020), and the "funky chunks" chunk-line tricks (2025).
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmugglingTest {
    private static final String HOST = "Host: devproxy.test\r\n";
    private static final String PROBE = "GET /probe HTTP/1.1\r\n" + HOST + "\r\n";

    /**
     * One attack. {@code forwarded}: the summaries the upstream must read, in order. {@code errorStatus}: the
     * status the client gets after their responses, or 0 for none. {@code closes}: whether the proxy closes the
     * connection after them (always after an error). {@code mayBeCutShort}: whether the upstream may see the
     * request end mid-body (see the class documentation).
     */
    record Case(String name, String reason, String wire, List<String> forwarded, int errorStatus, boolean closes,
            boolean mayBeCutShort) {

        Case cutShort() {
            return new Case(name, reason, wire, forwarded, errorStatus, closes, true);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Case forwarded(String name, String reason, String wire, String... summaries) {
        return new Case(name, reason, wire, List.of(summaries), 0, false, false);
    }

    static Case rejected(String name, String reason, String wire, int status, String... summariesBefore) {
        return new Case(name, reason, wire, List.of(summariesBefore), status, true, false);
    }

    static Case lastRequest(String name, String reason, String wire, String... summaries) {
        return new Case(name, reason, wire, List.of(summaries), 0, true, false);
    }

    private static String post(String target, String fields, String body) {
        return "POST " + target + " HTTP/1.1\r\n" + HOST + fields + "\r\n" + body;
    }

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\n" + HOST + "\r\n";
    }

    static Stream<Case> cases() {
        String smuggled = get("/smuggled");
        String chunkedSmuggle = "0\r\n\r\n" + smuggled;
        return Stream.of(
                // ---- CL.TE and TE.CL: both framing fields ----
                rejected("CL.TE: Content-Length then Transfer-Encoding: chunked",
                        "RFC 9112 §6.1: a server may reject both fields, and must not trust either: a front end "
                                + "that reads 6 bytes and a back end that reads chunks disagree on where G belongs",
                        post("/", "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nG"), 400),
                rejected("TE.CL: Transfer-Encoding: chunked then Content-Length",
                        "RFC 9112 §6.1: the same ambiguity with the fields the other way round",
                        post("/", "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
                                "8\r\nSMUGGLED\r\n0\r\n\r\n"), 400),
                rejected("CL.TE with the coding in capitals and Content-Length 0",
                        "RFC 9112 §6.1 and §7: codings are case-insensitive, so this is still both fields",
                        post("/", "Content-Length: 0\r\nTransfer-Encoding: CHUNKED\r\n", chunkedSmuggle), 400),
                // ---- TE.TE: Transfer-Encoding obfuscated so that one peer does not see it ----
                rejected("TE.TE: xchunked", "RFC 9112 §6.3 rule 4: the final coding is not chunked, so the "
                                + "length cannot be determined: 400",
                        post("/", "Transfer-Encoding: xchunked\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: chunk", "RFC 9112 §6.3 rule 4: a near miss of chunked is just another coding",
                        post("/", "Transfer-Encoding: chunk\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: identity", "RFC 9112 §6.3 rule 4: identity (removed from the registry) is not "
                                + "chunked; treating it as absent would frame by Content-Length or by nothing",
                        post("/", "Transfer-Encoding: identity\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: chunked, identity", "RFC 9112 §6.3 rule 4: chunked must be the final coding",
                        post("/", "Transfer-Encoding: chunked, identity\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: chunked then a second Transfer-Encoding: x",
                        "RFC 9110 §5.3: field lines of one name are one list, chunked, x; its final coding is x",
                        post("/", "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: Transfer-Encoding: x then chunked",
                        "RFC 9112 §6.1: x, chunked ends in chunked but applies a coding DevProxy does not know: 501",
                        post("/", "Transfer-Encoding: x\r\nTransfer-Encoding: chunked\r\n", chunkedSmuggle), 501),
                rejected("TE.TE: gzip, chunked", "RFC 9112 §6.1: a request coding the server does not "
                                + "understand SHOULD get 501; forwarding it would leave the upstream to decode it",
                        post("/", "Transfer-Encoding: gzip, chunked\r\n", chunkedSmuggle), 501),
                rejected("TE.TE: chunked, chunked", "RFC 9112 §6.1: chunked MUST NOT be applied more than once",
                        post("/", "Transfer-Encoding: chunked, chunked\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: quoted \"chunked\"", "RFC 9112 §6.1: transfer-coding is a token, not a "
                                + "quoted-string; a peer that unquotes it would read chunks",
                        post("/", "Transfer-Encoding: \"chunked\"\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: chunked with a parameter", "stricter than RFC 9112 §7: chunked takes no "
                                + "parameters, and peers disagree on what one means",
                        post("/", "Transfer-Encoding: chunked;q=1\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: empty list element before chunked", "stricter than RFC 9110 §5.6.1: an empty "
                                + "element is one more way for two parsers to split the list differently",
                        post("/", "Transfer-Encoding: ,chunked\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: space before the colon", "RFC 9112 §5.1: whitespace between name and colon MUST "
                                + "be rejected with 400; a peer that strips it reads a Transfer-Encoding",
                        post("/", "Transfer-Encoding : chunked\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: vertical tab before the value", "RFC 9110 §5.5: a control character in a value "
                                + "is invalid; some peers trim it as whitespace, others keep it",
                        post("/", "Transfer-Encoding:\u000bchunked\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: NUL after the value", "RFC 9110 §5.5: NUL in a field value; C parsers stop at it",
                        post("/", "Transfer-Encoding: chunked\u0000\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: value on an obs-fold line", "RFC 9112 §5.2: obs-fold in a request MUST be rejected "
                                + "(or replaced by SP); a peer that ignores the fold sees an empty Transfer-Encoding",
                        post("/", "Transfer-Encoding:\r\n chunked\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: field hidden after a bare LF", "RFC 9112 §2.2: a bare LF MAY end a line; peers "
                                + "disagree, so one sees X-A then Transfer-Encoding and the other one field",
                        post("/", "X-A: 1\nTransfer-Encoding: chunked\r\n", chunkedSmuggle), 400),
                rejected("TE.TE: field hidden after a bare CR", "RFC 9112 §2.2: a bare CR is invalid anywhere "
                                + "but in content",
                        post("/", "X-A: 1\rTransfer-Encoding: chunked\r\n", chunkedSmuggle), 400),
                rejected("Transfer-Encoding in HTTP/1.0", "RFC 9112 §6.1: an HTTP/1.0 message with "
                                + "Transfer-Encoding MUST be treated as having faulty framing",
                        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedSmuggle, 400),
                forwarded("Transfer-Encoding with tabs around chunked",
                        "RFC 9110 §5.6.1: OWS around list elements is allowed, so this is plain chunked; forwarded "
                                + "re-framed as chunked, and the request after it stays a request of its own",
                        post("/tabs", "Transfer-Encoding:\t chunked \t\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        "POST /tabs [chunked] hello"),
                forwarded("Transfer-Encoding: CHUNKED in capitals", "RFC 9112 §7: coding names are case-insensitive",
                        post("/caps", "Transfer-Encoding: CHUNKED\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        "POST /caps [chunked] hello"),
                forwarded("Transfer_Encoding with an underscore is an ordinary field",
                        "RFC 9110 §5.1: Transfer_Encoding is another field name; the body is framed by "
                                + "Content-Length and the field passes as it is (see the README on underscores)",
                        post("/underscore", "Transfer_Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"),
                        "POST /underscore [CL 5] 0\r\n\r\n +Transfer_Encoding"),
                // ---- Content-Length ----
                rejected("two different Content-Lengths", "RFC 9112 §6.3 rule 5: differing values are an "
                                + "unrecoverable error; one peer would take the first, another the last",
                        post("/", "Content-Length: 3\r\nContent-Length: 8\r\n", "abcSMUGGLE"), 400),
                rejected("a Content-Length list of different values", "RFC 9110 §8.6 and RFC 9112 §6.3 rule 5",
                        post("/", "Content-Length: 3, 8\r\n", "abcSMUGGLE"), 400),
                forwarded("two identical Content-Lengths", "RFC 9110 §8.6: a list of identical values MAY be read "
                                + "as one; forwarded with a single Content-Length",
                        post("/same", "Content-Length: 5\r\nContent-Length: 5\r\n", "hello"), "POST /same [CL 5] hello"),
                forwarded("a Content-Length list of identical values", "RFC 9110 §8.6",
                        post("/list", "Content-Length: 5, 5\r\n", "hello"), "POST /list [CL 5] hello"),
                forwarded("Content-Length with leading zeros", "RFC 9110 §8.6: 1*DIGIT, so 005 is 5; forwarded as 5",
                        post("/zeros", "Content-Length: 005\r\n", "hello"), "POST /zeros [CL 5] hello"),
                rejected("Content-Length with a plus sign", "RFC 9110 §8.6: 1*DIGIT; strtol-style parsers accept +5",
                        post("/", "Content-Length: +5\r\n", "hello"), 400),
                rejected("negative Content-Length", "RFC 9110 §8.6: 1*DIGIT",
                        post("/", "Content-Length: -1\r\n", "hello"), 400),
                rejected("hexadecimal Content-Length", "RFC 9110 §8.6: decimal digits only",
                        post("/", "Content-Length: 0x5\r\n", "hello"), 400),
                rejected("Content-Length with inner whitespace", "RFC 9110 §8.6: 1*DIGIT; \"5 5\" is neither 5 nor 55",
                        post("/", "Content-Length: 5 5\r\n", "hello"), 400),
                rejected("empty Content-Length", "RFC 9110 §8.6: at least one digit; empty is not 0",
                        post("/", "Content-Length:\r\n", "hello"), 400),
                rejected("Content-Length with space before the colon", "RFC 9112 §5.1",
                        post("/", "Content-Length : 5\r\n", "hello"), 400),
                rejected("Content-Length that overflows a long", "RFC 9112 §6.3 rule 5; a parser that wraps "
                                + "around would read a small length: 413 before any body byte is read",
                        post("/", "Content-Length: 18446744073709551621\r\n", "hello"), 413),
                forwarded("CL.0: a GET whose body holds a request", "RFC 9110 §9.3.1: a GET may have content; it is "
                                + "framed by its Content-Length and forwarded with it, so an upstream that honours "
                                + "Content-Length reads one request",
                        "GET /cl0 HTTP/1.1\r\n" + HOST + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled,
                        "GET /cl0 [CL " + smuggled.length() + "] " + smuggled),
                forwarded("a chunked body whose data holds a request", "RFC 9112 §7.1: chunk data is data",
                        post("/data", "Transfer-Encoding: chunked\r\n",
                                Integer.toHexString(smuggled.length()) + "\r\n" + smuggled + "\r\n0\r\n\r\n"),
                        "POST /data [chunked] " + smuggled),
                // ---- Chunk lines ----
                rejected("chunk size with 0x", "RFC 9112 §7.1: chunk-size = 1*HEXDIG",
                        post("/", "Transfer-Encoding: chunked\r\n", "0x5\r\nhello\r\n0\r\n\r\n"), 400).cutShort(),
                rejected("negative chunk size", "RFC 9112 §7.1",
                        post("/", "Transfer-Encoding: chunked\r\n", "-5\r\nhello\r\n0\r\n\r\n"), 400).cutShort(),
                rejected("chunk size after a space", "RFC 9112 §7.1: the line starts with the size",
                        post("/", "Transfer-Encoding: chunked\r\n", " 5\r\nhello\r\n0\r\n\r\n"), 400).cutShort(),
                rejected("whitespace between chunk size and CRLF", "RFC 9112 §7.1.1: BWS may only precede \";\"; "
                                + "peers disagree on \"5 \\r\\n\"",
                        post("/", "Transfer-Encoding: chunked\r\n", "5 \r\nhello\r\n0\r\n\r\n"), 400).cutShort(),
                rejected("chunk size of 17 hex digits", "a size that overflows 64 bits wraps around in a naive "
                                + "parser (1 0000000000000005 becomes 5); more than 15 digits is rejected",
                        post("/", "Transfer-Encoding: chunked\r\n", "10000000000000005\r\nhello\r\n0\r\n\r\n"), 400)
                        .cutShort(),
                rejected("chunk size of 16 digits with leading zeros", "stricter than RFC 9112 §7.1: no peer "
                                + "should have to count digits to agree on a small size",
                        post("/", "Transfer-Encoding: chunked\r\n", "0000000000000005\r\nhello\r\n0\r\n\r\n"), 400)
                        .cutShort(),
                rejected("chunk size over the body limit", "MAX_BODY_SIZE: the declared size is checked before "
                                + "its data arrives",
                        post("/", "Transfer-Encoding: chunked\r\n", "FFFFFFF\r\nhello\r\n0\r\n\r\n"), 413).cutShort(),
                rejected("chunk data longer than its size", "RFC 9112 §7.1: chunk-data CRLF; the extra bytes are "
                                + "where a desync starts",
                        post("/", "Transfer-Encoding: chunked\r\n", "3\r\nhello\r\n0\r\n\r\n"), 400).cutShort(),
                rejected("chunk data shorter than its size", "RFC 9112 §7.1: the next chunk line is read as data "
                                + "and the CRLF is missing",
                        post("/", "Transfer-Encoding: chunked\r\n", "7\r\nhello\r\n0\r\n\r\n"), 400).cutShort(),
                rejected("chunk line ended by a bare LF", "RFC 9112 §2.2 and \"funky chunks\": peers that "
                                + "disagree on LF split the same bytes into different chunks",
                        post("/", "Transfer-Encoding: chunked\r\n", "5\nhello\r\n0\r\n\r\n"), 400).cutShort(),
                rejected("chunk data ended by a bare LF", "RFC 9112 §7.1 and \"funky chunks\"",
                        post("/", "Transfer-Encoding: chunked\r\n", "5\r\nhello\n0\r\n\r\n"), 400).cutShort(),
                rejected("chunk data ended by something else", "RFC 9112 §7.1: chunk-data CRLF",
                        post("/", "Transfer-Encoding: chunked\r\n", "5\r\nhelloXX0\r\n\r\n"), 400).cutShort(),
                rejected("bare CR in a chunk extension", "RFC 9112 §7.1.1: chunk-ext-val is a token or a "
                                + "quoted-string; a CR alone ends a line for some peers",
                        post("/", "Transfer-Encoding: chunked\r\n", "5;a=b\rc\r\nhello\r\n0\r\n\r\n"), 400)
                        .cutShort(),
                rejected("line break inside a quoted chunk extension", "RFC 9110 §5.6.4: qdtext has no CR or LF",
                        post("/", "Transfer-Encoding: chunked\r\n", "5;a=\"x\r\n\"\r\nhello\r\n0\r\n\r\n"), 400)
                        .cutShort(),
                rejected("last chunk without the final CRLF, then a request", "RFC 9112 §7.1.2: the trailer "
                                + "section; \"GET /smuggled...\" is read as a trailer line and its request line is "
                                + "not a field line",
                        post("/", "Transfer-Encoding: chunked\r\n", "0\r\n" + smuggled), 400).cutShort(),
                forwarded("chunk extensions", "RFC 9112 §7.1.1: extensions are validated and dropped; the upstream "
                                + "gets the data re-chunked",
                        post("/ext", "Transfer-Encoding: chunked\r\n",
                                "5;a=1;b=\"x;y\"\r\nhello\r\n0;last\r\n\r\n"),
                        "POST /ext [chunked] hello"),
                forwarded("framing fields in the trailer section stay trailers", "RFC 9110 §6.5.2: a trailer field "
                                + "is not merged into the header section; it follows the last chunk, so it cannot move "
                                + "where this request ends",
                        post("/trailers", "Transfer-Encoding: chunked\r\n",
                                "5\r\nhello\r\n0\r\nContent-Length: 50\r\nX-Sum: 1\r\n\r\n"),
                        "POST /trailers [chunked] hello [trailers Content-Length: 50, X-Sum: 1]"),
                // ---- Line structure ----
                rejected("request line ended by a bare LF", "RFC 9112 §2.2",
                        "GET /a HTTP/1.1\n" + HOST + "\r\n", 400),
                rejected("head ended by two bare LFs", "RFC 9112 §2.2: one peer sees the end of the head, the "
                                + "other a field line",
                        "GET /a HTTP/1.1\r\n" + HOST + "\n\n" + smuggled, 400),
                rejected("obs-fold", "RFC 9112 §5.2: rejected, since peers that unfold and peers that do not "
                                + "see different fields",
                        "GET /a HTTP/1.1\r\n" + HOST + "X-A: 1\r\n 2\r\n\r\n", 400),
                rejected("whitespace before the first field line", "RFC 9112 §2.2: a recipient MUST reject or "
                                + "ignore such a line; rejecting leaves nothing to disagree on",
                        "GET /a HTTP/1.1\r\n " + HOST + "\r\n", 400),
                rejected("two spaces in the request line", "RFC 9112 §3: single SPs",
                        "GET  /a HTTP/1.1\r\n" + HOST + "\r\n", 400),
                rejected("space inside the target", "RFC 9112 §3.2: no whitespace in request-target",
                        "GET /a HTTP/1.1 b HTTP/1.1\r\n" + HOST + "\r\n", 400),
                rejected("HTTP/0.9 request line", "RFC 9112 §2.3: no version, so no framing rules at all",
                        "GET /a\r\n" + HOST + "\r\n", 400),
                rejected("version in lower case", "RFC 9112 §2.3: HTTP-name is case-sensitive",
                        "GET /a http/1.1\r\n" + HOST + "\r\n", 400),
                rejected("HTTP/2.0 on an HTTP/1.1 connection", "RFC 9110 §15.6.6: major version not supported",
                        "GET /a HTTP/2.0\r\n" + HOST + "\r\n", 505),
                rejected("two Host fields", "RFC 9112 §3.2: a server MUST respond 400; the upstream might route "
                                + "by the other one",
                        "GET /a HTTP/1.1\r\n" + HOST + "Host: other.test\r\n\r\n", 400),
                rejected("no Host in HTTP/1.1", "RFC 9112 §3.2: MUST respond 400",
                        "GET /a HTTP/1.1\r\nX-A: 1\r\n\r\n", 400),
                forwarded("empty lines before the request line", "RFC 9112 §2.2: SHOULD ignore at least one empty "
                                + "line before a request; they are not forwarded",
                        "\r\n\r\n" + get("/late"), "GET /late"),
                // ---- Pipelines and the connection's end ----
                forwarded("a pipeline of three framings", "RFC 9112 §9.3.2: pipelined requests are answered in "
                                + "order, each framed by its own fields",
                        get("/1") + post("/2", "Content-Length: 3\r\n", "abc")
                                + post("/3", "Transfer-Encoding: chunked\r\n", "2\r\nxy\r\n0\r\n\r\n"),
                        "GET /1", "POST /2 [CL 3] abc", "POST /3 [chunked] xy"),
                rejected("a pipelined request after an invalid one", "RFC 9112 §9.3.2 and §8: after a framing "
                                + "error the rest of the stream cannot be trusted, so the connection closes",
                        get("/before") + post("/bad", "Content-Length: 1\r\nContent-Length: 2\r\n", "ab")
                                + get("/after"), 400, "GET /before"),
                lastRequest("a pipelined request after Connection: close", "RFC 9112 §9.6: a server that "
                                + "receives close MUST NOT process further requests on the connection",
                        "GET /last HTTP/1.1\r\n" + HOST + "Connection: close\r\n\r\n" + get("/after"), "GET /last"),
                lastRequest("a pipelined request after an HTTP/1.0 request", "RFC 9112 §9.3: HTTP/1.0 without "
                                + "keep-alive does not persist",
                        "GET /old HTTP/1.0\r\n" + HOST + "\r\n" + get("/after"), "GET /old"),
                forwarded("h2c upgrade headers are not forwarded", "RFC 9110 §7.6.1 and §7.8: Upgrade and the "
                                + "fields Connection names are hop-by-hop; forwarding them lets a client switch the "
                                + "upstream connection to HTTP/2 behind the proxy's back (h2c smuggling)",
                        "GET /h2c HTTP/1.1\r\n" + HOST + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n"
                                + "Connection: Upgrade, HTTP2-Settings\r\n\r\n",
                        "GET /h2c"));
    }

    private static int descriptorsAtStart;
    private static int threadsAtStart;

    @BeforeAll
    static void takeBaseline() throws Exception {
        // Warm up first, so that classes, jars and the JDK's own helper threads are already there.
        attack(cases().findFirst().orElseThrow(), Legs.PLAIN);
        attack(cases().findFirst().orElseThrow(), Legs.TLS);
        descriptorsAtStart = ProxyTestKit.openFileDescriptors();
        threadsAtStart = ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Every case closed its proxy and its upstream: nothing they opened is left. */
    @Test
    @Order(Integer.MAX_VALUE)
    void noDescriptorOrThreadOutlivesTheAttacks() {
        ProxyTestKit.await("descriptors back near " + descriptorsAtStart, Duration.ofSeconds(10),
                () -> ProxyTestKit.openFileDescriptors() <= descriptorsAtStart + 8);
        ProxyTestKit.await("threads back near " + threadsAtStart, Duration.ofSeconds(10),
                () -> ManagementFactory.getThreadMXBean().getThreadCount() <= threadsAtStart + 4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ambiguousFramingIsRejectedOrForwardedUnambiguously(Case attack) throws Exception {
        attack(attack, Legs.PLAIN);
    }

    /**
     * The same attacks with TLS on both legs: the proxy's parser then reads the request out of TLS records,
     * which split and join the attack's bytes at other places than TCP segments do.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void overTlsOnBothLegsAmbiguousFramingIsRejectedOrForwardedUnambiguously(Case attack) throws Exception {
        attack(attack, Legs.TLS);
    }

    private static void attack(Case attack, Legs legs) throws Exception {
        AtomicInteger finished = new AtomicInteger();
        List<String> upstreamSaw = new CopyOnWriteArrayList<>();
        ScriptedUpstream upstream = legs.upstream(peer -> {
            try {
                for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                    String summary = summary(request);
                    upstreamSaw.add(summary);
                    byte[] body = summary.getBytes(StandardCharsets.ISO_8859_1);
                    peer.send("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").send(body);
                }
            } finally {
                finished.incrementAndGet();
            }
        });
        DevProxy proxy = legs.proxy().ioThreads(1)
                .router(request -> Route.forward(upstream.upstream(), request.target()))
                .build().start();
        List<String> expected = new ArrayList<>(attack.forwarded());
        try {
            try (RawClient client = legs.connect(proxy)) {
                client.send(attack.wire());
                for (String summary : attack.forwarded()) {
                    RawResponse response = client.read();
                    assertEquals(200, response.status(), () -> attack.reason() + "; got " + response.statusLine());
                    assertEquals(summary, response.bodyText(), attack::reason);
                }
                if (attack.errorStatus() != 0) {
                    assertErrorResponse(client, client.read(), attack.errorStatus(), errorBody(attack.errorStatus()));
                } else if (attack.closes()) {
                    assertEquals(0, client.drainUntilClosed(), "closed after the last request it may serve");
                } else {
                    // The probe is answered as the next request: nothing was left over to prefix it.
                    client.send(PROBE);
                    assertEquals("GET /probe", client.read().bodyText(), "the connection is still in step");
                    expected.add("GET /probe");
                }
            }
            ProxyTestKit.await("the proxy has no client connection and no pooled buffer left", Duration.ofSeconds(10),
                    () -> proxy.openConnections() == 0 && ProxyProbe.pooledBuffersInUse(proxy) == 0);
        } finally {
            proxy.close();
            // Every upstream connection is closed now; wait until the upstream has read each to its end.
            ProxyTestKit.await("the upstream has read every connection to its end", Duration.ofSeconds(10),
                    () -> finished.get() == upstream.accepted());
            upstream.close();
        }
        List<Throwable> unreadable = upstream.failures().stream()
                .filter(failure -> !(attack.mayBeCutShort() && isCutShort(failure))).toList();
        assertAll(attack.reason(),
                () -> assertEquals(expected, upstreamSaw, "what the upstream read, request by request"),
                () -> assertEquals(List.of(), unreadable, "what the upstream could not parse"));
    }

    /**
     * What an upstream sends that does not belong to the response it answers: bytes a proxy must never hand to
     * the next request (response queue poisoning). {@code method} is how the client asks.
     */
    enum StrayResponse {
        SECOND_RESPONSE_AT_ONCE("GET", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
                + "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\npoisoned", ""),
        SECOND_RESPONSE_WHILE_POOLED("GET", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na",
                "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\npoisoned"),
        BODY_AFTER_A_RESPONSE_TO_HEAD("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\npoisoned", ""),
        BODY_AFTER_204("GET", "HTTP/1.1 204 No Content\r\nContent-Length: 8\r\n\r\npoisoned", ""),
        BODY_AFTER_304("GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 8\r\n\r\npoisoned", "");

        final String method;
        final String answer;
        final String later;

        StrayResponse(String method, String answer, String later) {
            this.method = method;
            this.answer = answer;
            this.later = later;
        }
    }

    /**
     * RFC 9112 section 6.3: a response to HEAD, a 204 and a 304 end with their head, and a response ends where
     * its framing says. Whatever the upstream sends beyond that is not the answer to anything, so the proxy must
     * not reuse the connection it came on: the next request, on the same client connection or another one, gets
     * its own answer.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(StrayResponse.class)
    void bytesAnUpstreamSendsBeyondAResponseNeverAnswerTheNextRequest(StrayResponse stray) throws Exception {
        CountDownLatch strayBytesSent = new CountDownLatch(1);
        ScriptedUpstream upstream = ScriptedUpstream.start(peer -> {
            for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                if (request.target().equals("/trigger")) {
                    peer.send(stray.answer);
                    if (!stray.later.isEmpty()) {
                        Thread.sleep(100); // the proxy has put the connection back in its pool by now
                        peer.send(stray.later);
                    }
                    strayBytesSent.countDown();
                } else {
                    String summary = summary(request);
                    peer.send("HTTP/1.1 200 OK\r\nContent-Length: " + summary.length() + "\r\n\r\n" + summary);
                }
            }
        });
        try (upstream; DevProxy proxy = DevProxy.builder().port(0).ioThreads(1) // one loop: one pool to poison
                .router(request -> Route.forward(upstream.upstream(), request.target()))
                .build().start();
                RawClient client = RawClient.connect(proxy)) {
            client.send(stray.method + " /trigger HTTP/1.1\r\n" + HOST + "\r\n");
            RawResponse answer = stray.method.equals("HEAD") ? client.readToHead() : client.read();
            assertTrue(answer.status() < 300 || answer.status() == 304, answer::statusLine);
            assertTrue(strayBytesSent.await(10, TimeUnit.SECONDS));
            Thread.sleep(50); // let the stray bytes reach the proxy before the next requests go out

            assertEquals("GET /next", client.exchange(get("/next")).bodyText(), "the same client's next request");
            try (RawClient other = RawClient.connect(proxy)) {
                assertEquals("GET /other", other.exchange(get("/other")).bodyText(), "another client's request");
            }
        }
    }

    /**
     * A request that ends at the connection's close, mid-body: incomplete, so an upstream drops it. Over TLS the
     * proxy may even give up while its handshake with the upstream is still under way (the bad chunk arrived
     * before the upstream connection was ready), so the upstream sees no request at all.
     */
    private static boolean isCutShort(Throwable failure) {
        return failure instanceof EOFException || failure instanceof SocketException
                || failure instanceof javax.net.ssl.SSLException;
    }

    /**
     * How the upstream read a request: method, target, framing, body, trailers, and any field that a lenient
     * server could take for a framing or upgrade field.
     */
    private static String summary(UpstreamRequest request) {
        StringBuilder summary = new StringBuilder(request.method()).append(' ').append(request.target());
        if (request.chunked()) {
            summary.append(" [chunked]");
        } else if (request.has("Content-Length")) {
            summary.append(" [CL ").append(request.header("Content-Length")).append(']');
        }
        if (request.body().length > 0 || request.chunked() || request.has("Content-Length")) {
            summary.append(' ').append(new String(request.body(), StandardCharsets.ISO_8859_1));
        }
        if (!request.trailers().isEmpty()) {
            summary.append(" [trailers ").append(String.join(", ",
                    request.trailers().stream().map(Field::toString).toList())).append(']');
        }
        for (String watched : Arrays.asList("Transfer_Encoding", "Content_Length", "Upgrade", "HTTP2-Settings")) {
            if (request.has(watched)) {
                summary.append(" +").append(watched);
            }
        }
        if (request.headers("Transfer-Encoding").size() > 1 || request.headers("Content-Length").size() > 1) {
            summary.append(" +repeated framing field");
        }
        return summary.toString();
    }

    private static String errorBody(int status) {
        return switch (status) {
            case 400 -> "BAD REQUEST";
            case 413 -> "CONTENT TOO LARGE";
            case 501 -> "NOT IMPLEMENTED";
            case 505 -> "HTTP VERSION NOT SUPPORTED";
            default -> throw new IllegalArgumentException("no error body known for " + status);
        };
    }
}
