package dev.devproxy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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
    private final Duration minDelay;
    private final Duration maxDelay;
    private final @Nullable Fault fault;

    private Response(Builder builder) {
        this.status = builder.status;
        this.headers = List.copyOf(builder.headers);
        this.body = builder.body.clone();
        this.minDelay = builder.minDelay;
        this.maxDelay = builder.maxDelay;
        this.fault = builder.fault;
    }

    /**
     * A builder for a response with the given status, 200 to 599 (1xx responses are not final).
     *
     * @param status the status code, 200 to 599
     * @return a new builder with no header fields, an empty body, no delay and no fault
     * @throws IllegalArgumentException when {@code status} is out of range
     */
    public static Builder newBuilder(int status) {
        return new Builder(status);
    }

    /**
     * A response with the given status and a {@code text/plain; charset=utf-8} body.
     *
     * @param status the status code, 200 to 599
     * @param body the body text, encoded as UTF-8
     * @return a new response
     * @throws IllegalArgumentException when {@code status} is out of range
     */
    public static Response text(int status, String body) {
        return newBuilder(status).header("Content-Type", "text/plain; charset=utf-8").body(body).build();
    }

    /**
     * The status code.
     *
     * @return the status code, 200 to 599
     */
    public int status() {
        return status;
    }

    /**
     * The header fields, in order, names as given.
     *
     * @return the header fields as name-value entries, without those the engine adds
     */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /**
     * A copy of the body bytes.
     *
     * @return a new array holding the body, empty when there is none
     */
    public byte[] body() {
        return body.clone();
    }

    /**
     * The body length in bytes.
     *
     * @return the number of body bytes
     */
    public int bodyLength() {
        return body.length;
    }

    /**
     * The body as a read-only buffer over the response's own bytes: no copy.
     *
     * @return a read-only view of the body
     */
    public ByteBuffer bodyBuffer() {
        return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    /**
     * The least time to wait, once the request is complete, before answering.
     *
     * @return the minimum delay, zero for none
     */
    public Duration minDelay() {
        return minDelay;
    }

    /**
     * The most time to wait before answering; the wait is uniformly random between the two.
     *
     * @return the maximum delay, at least {@link #minDelay()}
     */
    public Duration maxDelay() {
        return maxDelay;
    }

    /**
     * The fault to simulate, or null to answer normally.
     *
     * @return the fault, or null
     */
    public @Nullable Fault fault() {
        return fault;
    }

    /**
     * Returns a builder that starts from this response, to make a modified copy.
     *
     * @return a new builder holding this response's status, header fields, body, delays and fault
     */
    public Builder toBuilder() {
        Builder builder = new Builder(status);
        builder.headers.addAll(headers);
        builder.body = body;
        builder.minDelay = minDelay;
        builder.maxDelay = maxDelay;
        builder.fault = fault;
        return builder;
    }

    @Override
    public String toString() {
        return "Response{" + status + ", " + headers + ", " + body.length + " bytes"
                + (maxDelay.isZero() ? "" : ", delay " + minDelay + ".." + maxDelay)
                + (fault == null ? "" : ", " + fault) + "}";
    }

    /** Builds a {@link Response}. Not thread-safe. */
    public static final class Builder {
        private int status;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private byte[] body = new byte[0];
        private Duration minDelay = Duration.ZERO;
        private Duration maxDelay = Duration.ZERO;
        private @Nullable Fault fault;

        private Builder(int status) {
            status(status);
        }

        /**
         * Sets the status, 200 to 599.
         *
         * @param status the status code, 200 to 599
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
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
         * @param name the field name, a token
         * @param value the field value, without CR, LF or NUL
         * @return this builder
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

        /**
         * Removes all header fields named {@code name}, ignoring case.
         *
         * @param name the field name to remove
         * @return this builder
         */
        public Builder removeHeader(String name) {
            headers.removeIf(field -> field.getKey().equalsIgnoreCase(name));
            return this;
        }

        /**
         * Sets the body to these bytes (copied).
         *
         * @param body the body bytes
         * @return this builder
         */
        public Builder body(byte[] body) {
            this.body = Arrays.copyOf(body, body.length);
            return this;
        }

        /**
         * Sets the body to this text, encoded as UTF-8.
         *
         * @param body the body text
         * @return this builder
         */
        public Builder body(String body) {
            this.body = body.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /**
         * Waits {@code delay} after the request is complete before answering, without holding a thread.
         *
         * @param delay the time to wait; zero or more
         * @return this builder
         * @throws IllegalArgumentException when {@code delay} is negative
         */
        public Builder delay(Duration delay) {
            return delay(delay, delay);
        }

        /**
         * Waits a uniformly random time between {@code min} and {@code max} before answering.
         *
         * @param min the least time to wait; zero or more
         * @param max the most time to wait; at least {@code min}
         * @return this builder
         * @throws IllegalArgumentException when {@code min} is negative or greater than {@code max}
         */
        public Builder delay(Duration min, Duration max) {
            if (min.isNegative() || min.compareTo(max) > 0) {
                throw new IllegalArgumentException("delay must satisfy 0 <= min <= max, was " + min + " to " + max);
            }
            this.minDelay = min;
            this.maxDelay = max;
            return this;
        }

        /**
         * Simulates {@code fault} instead of answering normally (after any delay); null for none.
         *
         * @param fault the fault to simulate, or null for none
         * @return this builder
         */
        public Builder fault(@Nullable Fault fault) {
            this.fault = fault;
            return this;
        }

        /**
         * Returns the immutable response.
         *
         * @return a new response holding this builder's settings
         */
        public Response build() {
            return new Response(this);
        }
    }
}
