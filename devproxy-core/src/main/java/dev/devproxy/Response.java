package dev.devproxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A complete response a {@link Router} can answer with: status, header fields and body. Immutable.
 *
 * <p>The engine adds {@code Content-Length}, {@code Date} and, when the connection is closing,
 * {@code Connection: close}; setting them here is an error.
 */
public final class Response {
    private final int status;
    private final List<Map.Entry<String, String>> headers;
    private final byte[] body;

    private Response(Builder builder) {
        this.status = builder.status;
        this.headers = List.copyOf(builder.headers);
        this.body = builder.body.clone();
    }

    /** A builder for a response with the given status, 200 to 599 (1xx responses are not final). */
    public static Builder newBuilder(int status) {
        return new Builder(status);
    }

    /** A response with the given status and a {@code text/plain; charset=utf-8} body. */
    public static Response text(int status, String body) {
        return newBuilder(status).header("Content-Type", "text/plain; charset=utf-8").body(body).build();
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** The header fields, in order, names as given. */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /** A copy of the body bytes. */
    public byte[] body() {
        return body.clone();
    }

    /** The body length in bytes. */
    public int bodyLength() {
        return body.length;
    }

    /** The body as a read-only buffer over the response's own bytes: no copy. */
    public ByteBuffer bodyBuffer() {
        return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    /** Returns a builder that starts from this response, to make a modified copy. */
    public Builder toBuilder() {
        Builder builder = new Builder(status);
        builder.headers.addAll(headers);
        builder.body = body;
        return builder;
    }

    @Override
    public String toString() {
        return "Response{" + status + ", " + headers + ", " + body.length + " bytes}";
    }

    /** Builds a {@link Response}. Not thread-safe. */
    public static final class Builder {
        private int status;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private byte[] body = new byte[0];

        private Builder(int status) {
            status(status);
        }

        /** Sets the status, 200 to 599. @throws IllegalArgumentException when out of range */
        public Builder status(int status) {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("status must be 200 to 599, was " + status);
            }
            this.status = status;
            return this;
        }

        /**
         * Adds a header field, after those already added.
         *
         * @throws IllegalArgumentException when the name is not a token, the value has CR, LF or NUL, or the
         *     name is one the engine sets itself (Content-Length, Transfer-Encoding, Connection, Date)
         */
        public Builder header(String name, String value) {
            HeaderChecks.requireValidField(name, value);
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("connection")
                    || lower.equals("date")) {
                throw new IllegalArgumentException("the engine sets " + name + " itself; remove it from the response");
            }
            headers.add(Map.entry(name, value));
            return this;
        }

        /** Removes all header fields named {@code name}, ignoring case. */
        public Builder removeHeader(String name) {
            headers.removeIf(field -> field.getKey().equalsIgnoreCase(name));
            return this;
        }

        /** Sets the body to these bytes (copied). */
        public Builder body(byte[] body) {
            this.body = Arrays.copyOf(body, body.length);
            return this;
        }

        /** Sets the body to this text, encoded as UTF-8. */
        public Builder body(String body) {
            this.body = body.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** Returns the immutable response. */
        public Response build() {
            return new Response(this);
        }
    }
}
