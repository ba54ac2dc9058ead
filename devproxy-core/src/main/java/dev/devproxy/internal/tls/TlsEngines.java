package dev.devproxy.internal.tls;

import dev.devproxy.TlsClientAuth;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * How DevProxy configures an {@link SSLEngine}: TLS 1.3 and 1.2 only, and ALPN offering {@code http/1.1}.
 * A client that offers only {@code h2} is not refused with an alert, as {@code setApplicationProtocols} would
 * have the engine do: the selector then agrees on no protocol, and the client falls back to HTTP/1.1.
 */
public final class TlsEngines {
    /** The protocols both sides speak; older ones are off in the JDK too. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    public static final String HTTP_1_1 = "http/1.1";

    private TlsEngines() {
    }

    /** A server context presenting {@code identity}; with client authentication, trusting {@code clientTrust}. */
    public static SSLContext serverContext(TlsIdentity identity, TrustManager[] clientTrust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(identity.keyManagers(), clientTrust.length == 0 ? null : clientTrust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a TLS server context", e);
        }
    }

    /** A server engine for an accepted connection. */
    public static SSLEngine server(SSLContext context, TlsClientAuth clientAuth) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(supported(engine));
        parameters.setNeedClientAuth(clientAuth == TlsClientAuth.REQUIRE);
        if (clientAuth == TlsClientAuth.REQUEST) {
            parameters.setWantClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        engine.setHandshakeApplicationProtocolSelector(
                (e, offered) -> offered.contains(HTTP_1_1) ? HTTP_1_1 : "");
        return engine;
    }

    /**
     * A client engine for {@code host}: SNI set to it (unless it is an IP literal, which SNI cannot carry) and
     * its name checked against the certificate ({@code HTTPS} endpoint identification).
     */
    public static SSLEngine client(SSLContext context, String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(supported(engine));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {HTTP_1_1});
        if (!isIpLiteral(host)) {
            // The JDK sends SNI only for names with a dot; an upstream named localhost must get it too.
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private static String[] supported(SSLEngine engine) {
        List<String> available = List.of(engine.getSupportedProtocols());
        return List.of(PROTOCOLS).stream().filter(available::contains).toArray(String[]::new);
    }
}
