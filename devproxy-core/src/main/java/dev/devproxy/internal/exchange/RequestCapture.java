package dev.devproxy.internal.exchange;

import dev.devproxy.RecordedRequest;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.RequestHead;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Copies one request into a {@link RecordedRequest}: the head at once (it does not outlive the next message),
 * the body as it streams, up to a cap. Made only when something asked for copies: it allocates per request.
 */
public final class RequestCapture {
    private final String method;
    private final String target;
    private final String path;
    private final @org.jspecify.annotations.Nullable String query;
    private final String version;
    private final List<Map.Entry<String, String>> headers;
    private final String remoteAddress;
    private final Instant receivedAt;
    private final int maxBodyBytes;
    private final List<X509Certificate> clientCertificates;
    private byte[] body = new byte[0];
    private int kept;
    private long bodyLength;
    /** The last snapshot made, reused while no body byte arrives after it; null when stale. */
    private @org.jspecify.annotations.Nullable RecordedRequest snapshot;

    public RequestCapture(RequestHead head, String remoteAddress, Instant receivedAt, int maxBodyBytes,
            List<X509Certificate> clientCertificates) {
        this(head, null, remoteAddress, receivedAt, maxBodyBytes, clientCertificates);
    }

    /**
     * @param origin {@code https://host:port} for a request decrypted from an intercepted CONNECT, whose
     *     origin-form target is then kept as the absolute-form URI it stands for; null otherwise
     */
    public RequestCapture(RequestHead head, @org.jspecify.annotations.Nullable String origin, String remoteAddress,
            Instant receivedAt, int maxBodyBytes, List<X509Certificate> clientCertificates) {
        this.clientCertificates = clientCertificates;
        this.method = head.method();
        this.target = origin != null && head.targetForm() == RequestHead.TargetForm.ORIGIN
                ? origin + head.target() : head.target();
        this.path = head.path();
        this.query = head.query();
        this.version = head.version().text();
        HeaderFields fields = head.headers();
        List<Map.Entry<String, String>> copied = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            if (fields.nameEquals(i, "proxy-authorization")) {
                continue; // a credential for this proxy alone: never kept, never shown in a journal or report
            }
            copied.add(new AbstractMap.SimpleImmutableEntry<>(fields.name(i), fields.value(i)));
        }
        this.headers = copied;
        this.remoteAddress = remoteAddress;
        this.receivedAt = receivedAt;
        this.maxBodyBytes = maxBodyBytes;
        if (head.bodyKind() == dev.devproxy.parser.BodyKind.CONTENT_LENGTH) {
            // A declared length is held at its size from the start: no doubling, no copy to trim it at the end.
            // It is bounded by the cap, and the parser has already refused one over maxBodySize.
            this.body = new byte[(int) Math.min(head.contentLength(), maxBodyBytes)];
        }
    }

    /**
     * A request refused before its head could be parsed: what is known of it is its method and target, when
     * its request line was read, and where it came from.
     */
    public RequestCapture(String method, String target, String remoteAddress, Instant receivedAt) {
        this.method = method;
        this.target = target;
        int question = target.indexOf('?');
        this.path = question < 0 ? target : target.substring(0, question);
        this.query = question < 0 ? null : target.substring(question + 1);
        this.version = "";
        this.headers = List.of();
        this.remoteAddress = remoteAddress;
        this.receivedAt = receivedAt;
        this.maxBodyBytes = 0;
        this.clientCertificates = List.of();
    }

    /**
     * Adds body bytes {@code [offset, offset + length)} of {@code buffer}, keeping at most the cap.
     *
     * @return how many of them were kept: the first ones, all of them until the cap is reached
     */
    public int addBody(ByteBuffer buffer, int offset, int length) {
        bodyLength += length;
        snapshot = null;
        int keep = (int) Math.min(length, (long) maxBodyBytes - kept);
        if (keep <= 0) {
            return 0;
        }
        if (body.length < kept + keep) {
            body = Arrays.copyOf(body, (int) Math.min(maxBodyBytes, Math.max(2L * body.length, (long) kept + keep)));
        }
        buffer.get(offset, body, kept, keep);
        kept += keep;
        return keep;
    }

    /** The request as received so far, an immutable copy; the same one until more body bytes arrive. */
    public RecordedRequest toRequest() {
        RecordedRequest made = snapshot;
        if (made == null) {
            // A full array is handed over as it is, not copied: nothing writes into it again (more bytes would
            // be over the cap, or grow into a new array), so the snapshot stays immutable.
            made = new RecordedRequest(method, target, path, query, version, headers,
                    kept == body.length ? body : Arrays.copyOf(body, kept), bodyLength, remoteAddress, receivedAt,
                    clientCertificates);
            snapshot = made;
        }
        return made;
    }

    /** The certificates the client presented in its TLS handshake, leaf first; empty without TLS or without any. */
    public static List<X509Certificate> clientCertificates(javax.net.ssl.@org.jspecify.annotations.Nullable SSLEngine tls) {
        if (tls == null) {
            return List.of();
        }
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            for (java.security.cert.Certificate certificate : tls.getSession().getPeerCertificates()) {
                if (certificate instanceof X509Certificate x509) {
                    certificates.add(x509);
                }
            }
            return List.copyOf(certificates);
        } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
            return List.of();
        }
    }
}
