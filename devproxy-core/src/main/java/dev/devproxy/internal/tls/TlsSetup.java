package dev.devproxy.internal.tls;

import dev.devproxy.TlsClientAuth;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The TLS options a proxy is built with beyond its {@code Config}: how upstreams are spoken to, and whether the
 * HTTPS listener asks for client certificates, trusting which issuers.
 *
 * @param upstream the client side, for HTTPS upstreams
 * @param clientAuth whether the listener asks for client certificates
 * @param clientIssuers the issuers a client certificate must chain to; empty with {@link TlsClientAuth#NONE}
 */
public record TlsSetup(ClientTls upstream, TlsClientAuth clientAuth, List<X509Certificate> clientIssuers) {
    public TlsSetup {
        clientIssuers = List.copyOf(clientIssuers);
    }

    /** The JDK's defaults for upstreams, no client certificates on the listener. */
    public static TlsSetup defaults() {
        return new TlsSetup(ClientTls.defaults(), TlsClientAuth.NONE, List.of());
    }
}
