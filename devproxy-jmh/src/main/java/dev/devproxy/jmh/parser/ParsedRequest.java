package dev.devproxy.jmh.parser;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request as the benchmark expects every parser to report it: request line, header fields in order and
 * the decoded body. Also what {@link RecordingSink} rebuilds from a parser's output, so the two can be compared.
 *
 * @param method the method, such as {@code GET}
 * @param target the request-target as sent
 * @param version the protocol version as sent, such as {@code HTTP/1.1}
 * @param headers the header field lines in arrival order
 * @param body the body after transfer decoding; empty when there is none
 */
record ParsedRequest(String method, String target, String version, List<Header> headers, byte[] body) {

    /** One field line: its name and its value without surrounding whitespace. */
    record Header(String name, String value) {
        Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    ParsedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(version, "version");
        headers = List.copyOf(headers);
        body = body.clone();
    }

    /** The body; a copy, since records hand out their fields. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /**
     * The request on the wire. With no chunk sizes the body (if any) is sent as is and the caller's headers
     * must carry its Content-Length; otherwise it is sent chunked in pieces of those sizes, which must add up
     * to the body's length, and the headers must carry {@code Transfer-Encoding: chunked}.
     */
    byte[] encode(int... chunkSizes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ascii(out, method + " " + target + " " + version + "\r\n");
        for (Header header : headers) {
            ascii(out, header.name() + ": " + header.value() + "\r\n");
        }
        ascii(out, "\r\n");
        if (chunkSizes.length == 0) {
            out.writeBytes(body);
            return out.toByteArray();
        }
        int at = 0;
        for (int size : chunkSizes) {
            ascii(out, Integer.toHexString(size) + "\r\n");
            out.write(body, at, size);
            ascii(out, "\r\n");
            at += size;
        }
        if (at != body.length) {
            throw new IllegalArgumentException("chunk sizes add up to " + at + ", the body has " + body.length);
        }
        ascii(out, "0\r\n\r\n");
        return out.toByteArray();
    }

    /**
     * Describes how {@code actual} differs from this request, or returns null when it matches. Header names
     * are compared ignoring ASCII case (RFC 9110 section 5.1): Jetty reports well-known names in its own
     * canonical case.
     */
    @Nullable String differenceFrom(ParsedRequest actual) {
        if (!method.equals(actual.method)) {
            return "method " + actual.method + ", expected " + method;
        }
        if (!target.equals(actual.target)) {
            return "target " + actual.target + ", expected " + target;
        }
        if (!version.equals(actual.version)) {
            return "version " + actual.version + ", expected " + version;
        }
        if (headers.size() != actual.headers.size()) {
            return actual.headers.size() + " header fields, expected " + headers.size() + ": " + actual.headers;
        }
        for (int i = 0; i < headers.size(); i++) {
            Header want = headers.get(i);
            Header got = actual.headers.get(i);
            if (!want.name().toLowerCase(Locale.ROOT).equals(got.name().toLowerCase(Locale.ROOT))
                    || !want.value().equals(got.value())) {
                return "header " + i + " is " + got + ", expected " + want;
            }
        }
        if (!Arrays.equals(body, actual.body)) {
            return "body of " + actual.body.length + " bytes, expected " + body.length + " bytes"
                    + (actual.body.length == body.length ? " (same length, other content)" : "");
        }
        return null;
    }

    private static void ascii(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
