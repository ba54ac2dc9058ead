package dev.devproxy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A copy of a response the proxy sent, as a request journal keeps it: the head as sent to the client and the
 * body decoded from its framing, cut at the journal's response body cap. Immutable.
 *
 * @param status the status code, such as 200
 * @param reason the reason phrase as sent, possibly empty
 * @param headers the header fields in order, as sent (framing fields included)
 * @param body the body as kept: at most the journal's response body cap ({@link #bodyTruncated()})
 * @param bodyLength the body's whole length when known (a Content-Length, or a body kept to its end); -1 when
 *     it was cut before its end and its length was not declared
 */
public record RecordedResponse(int status, String reason, List<Map.Entry<String, String>> headers, byte[] body,
        long bodyLength) {
    /**
     * Copies the header list and checks for null.
     *
     * @param status the status code
     * @param reason the reason phrase, possibly empty
     * @param headers the header fields in order
     * @param body the body as kept
     * @param bodyLength the body's whole length, or -1 when unknown
     */
    public RecordedResponse {
        Objects.requireNonNull(reason, "reason");
        headers = List.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /**
     * Whether the body was cut: it is longer than what was kept, or its length is unknown.
     *
     * @return whether {@link #body()} holds less than the whole body
     */
    public boolean bodyTruncated() {
        return bodyLength < 0 || body.length < bodyLength;
    }

    /**
     * The first value of header {@code name} (any case), or null.
     *
     * @param name the field name, compared ignoring case
     * @return the first such field's value, or null when there is none
     */
    public @Nullable String header(String name) {
        return FieldLists.first(headers, name);
    }

    /**
     * Every value of header {@code name} (any case), in order.
     *
     * @param name the field name, compared ignoring case
     * @return the values, empty when there is no such field
     */
    public List<String> headers(String name) {
        return FieldLists.all(headers, name);
    }

    /**
     * The body (as kept) decoded as UTF-8.
     *
     * @return the kept body as text
     */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Such as {@code 200 OK (3 headers, 12 body bytes)}. */
    @Override
    public String toString() {
        return status + (reason.isEmpty() ? "" : " " + reason) + " (" + headers.size() + " headers, "
                + (bodyLength < 0 ? body.length + "+" : String.valueOf(bodyLength)) + " body bytes)";
    }

    /** Equal when every component is, the body compared by content. */
    @Override
    public boolean equals(Object other) {
        return other instanceof RecordedResponse that && status == that.status && reason.equals(that.reason)
                && headers.equals(that.headers) && Arrays.equals(body, that.body) && bodyLength == that.bodyLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, reason, headers, Arrays.hashCode(body), bodyLength);
    }
}
