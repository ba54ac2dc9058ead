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

    public RequestCapture(RequestHead head, String remoteAddress, Instant receivedAt, int maxBodyBytes,
            List<X509Certificate> clientCertificates) {
        this.clientCertificates = clientCertificates;
        this.method = head.method();
        this.target = head.target();
        this.path = head.path();
        this.query = head.query();
        this.version = head.version().text();
        HeaderFields fields = head.headers();
        List<Map.Entry<String, String>> copied = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            copied.add(new AbstractMap.SimpleImmutableEntry<>(fields.name(i), fields.value(i)));
        }
        this.headers = copied;
        this.remoteAddress = remoteAddress;
        this.receivedAt = receivedAt;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Adds body bytes {@code [offset, offset + length)} of {@code buffer}, keeping at most the cap. */
    public void addBody(ByteBuffer buffer, int offset, int length) {
        bodyLength += length;
        int keep = (int) Math.min(length, (long) maxBodyBytes - kept);
        if (keep <= 0) {
            return;
        }
        if (body.length < kept + keep) {
            body = Arrays.copyOf(body, (int) Math.min(maxBodyBytes, Math.max(2L * body.length, (long) kept + keep)));
        }
        buffer.get(offset, body, kept, keep);
        kept += keep;
    }

    public RecordedRequest toRequest() {
        return new RecordedRequest(method, target, path, query, version, headers, Arrays.copyOf(body, kept),
                bodyLength, remoteAddress, receivedAt, clientCertificates);
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
