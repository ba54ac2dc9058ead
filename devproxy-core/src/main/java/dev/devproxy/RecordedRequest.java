package dev.devproxy;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An immutable copy of a request as DevProxy received it: what {@link Route#afterBody} decides on and what a
 * request journal keeps.
 *
 * @param method the method, such as {@code GET}
 * @param target the request-target exactly as sent; for a request decrypted from an intercepted CONNECT, the
 *     {@code https://host:port/...} URI its origin-form target stands for
 * @param path the path of the target, not decoded
 * @param query the query without its {@code ?}, not decoded, or null when absent
 * @param version {@code HTTP/1.0} or {@code HTTP/1.1}
 * @param headers the header fields in arrival order, names as sent, values decoded as ISO-8859-1
 * @param body the body bytes, or its first bytes when {@link #bodyTruncated()}
 * @param bodyLength the length of the whole body
 * @param remoteAddress the client's {@code host:port}
 * @param receivedAt when the request's first byte arrived
 * @param clientCertificates the certificate chain the client presented in its TLS handshake, leaf first; empty
 *     over plain HTTP or when it presented none (see {@link DevProxy.Builder#tlsClientAuth})
 */
public record RecordedRequest(String method, String target, String path, @Nullable String query, String version,
        List<Map.Entry<String, String>> headers, byte[] body, long bodyLength, String remoteAddress,
        Instant receivedAt, List<X509Certificate> clientCertificates) {

    /**
     * A request without client certificates: the constructor of the releases before TLS.
     *
     * @param method the method, such as {@code GET}
     * @param target the request-target exactly as sent
     * @param path the path of the target, not decoded
     * @param query the query without its {@code ?}, not decoded, or null when absent
     * @param version {@code HTTP/1.0} or {@code HTTP/1.1}
     * @param headers the header fields in arrival order; copied
     * @param body the body bytes, or its first bytes when the body is longer; kept, not copied
     * @param bodyLength the length of the whole body
     * @param remoteAddress the client's {@code host:port}
     * @param receivedAt when the request's first byte arrived
     */
    public RecordedRequest(String method, String target, String path, @Nullable String query, String version,
            List<Map.Entry<String, String>> headers, byte[] body, long bodyLength, String remoteAddress,
            Instant receivedAt) {
        this(method, target, path, query, version, headers, body, bodyLength, remoteAddress, receivedAt, List.of());
    }

    /**
     * Copies the header list; the body array is kept as given (callers hand over a fresh copy).
     *
     * @param method the method, such as {@code GET}
     * @param target the request-target exactly as sent
     * @param path the path of the target, not decoded
     * @param query the query without its {@code ?}, not decoded, or null when absent
     * @param version {@code HTTP/1.0} or {@code HTTP/1.1}
     * @param headers the header fields in arrival order; copied
     * @param body the body bytes, or its first bytes when the body is longer; kept, not copied
     * @param bodyLength the length of the whole body
     * @param remoteAddress the client's {@code host:port}
     * @param receivedAt when the request's first byte arrived
     * @param clientCertificates the client's TLS certificate chain, leaf first; copied; empty for none
     */
    public RecordedRequest {
        headers = List.copyOf(headers);
        clientCertificates = List.copyOf(clientCertificates);
        Objects.requireNonNull(body, "body");
    }

    /**
     * Whether {@link #body()} holds only the first bytes of a longer body: in a journal, beyond
     * {@code journalBodyBytes}; for a {@link Route#afterBody} decision, beyond {@code maxMatchBodySize}.
     *
     * @return true when {@link #bodyLength()} exceeds the length of {@link #body()}
     */
    public boolean bodyTruncated() {
        return body.length < bodyLength;
    }

    /**
     * The value of the first header field named {@code name}, ignoring case, or null.
     *
     * @param name the field name, compared ignoring case
     * @return the first such field's value, or null when there is none
     */
    public @Nullable String header(String name) {
        return FieldLists.first(headers, name);
    }

    /**
     * The values of every header field named {@code name}, ignoring case, in order.
     *
     * @param name the field name, compared ignoring case
     * @return the values of the matching fields; empty when there is none
     */
    public List<String> headers(String name) {
        return FieldLists.all(headers, name);
    }

    /**
     * The body decoded as UTF-8 (malformed bytes replaced).
     *
     * @return the body as text
     */
    public String bodyAsString() {
        return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@code METHOD target}, as in a log line. */
    @Override
    public String toString() {
        return method + " " + target + " (" + headers.size() + " headers, " + bodyLength + " body bytes)";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RecordedRequest that && method.equals(that.method) && target.equals(that.target)
                && version.equals(that.version) && headers.equals(that.headers)
                && java.util.Arrays.equals(body, that.body) && bodyLength == that.bodyLength
                && remoteAddress.equals(that.remoteAddress) && receivedAt.equals(that.receivedAt)
                && clientCertificates.equals(that.clientCertificates);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, target, version, headers, java.util.Arrays.hashCode(body), bodyLength,
                remoteAddress, receivedAt, clientCertificates);
    }
}
