package dev.devproxy.internal.tls;

import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.loop.Transport;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * How DevProxy speaks TLS to HTTPS upstreams: the client {@link SSLContext} (the JDK's default, so
 * {@code -Djavax.net.ssl.trustStore} applies; a configured one for private CAs or a client certificate; or the
 * insecure trust-anything one), and each connection's engine, with SNI and hostname verification. Shared by the
 * loops; the JDK's context is thread-safe and caches sessions per host and port, so reconnecting resumes.
 */
public final class ClientTls {
    private final @Nullable SSLContext configured;
    private final boolean trustAny;
    private volatile @Nullable SSLContext context;

    /**
     * @param configured the context to use, or null for the JDK's default
     * @param trustAny trust every certificate and skip hostname checks (for self-signed development upstreams)
     */
    public ClientTls(@Nullable SSLContext configured, boolean trustAny) {
        this.configured = configured;
        this.trustAny = trustAny;
        if (trustAny) {
            LogHolder.LOG.log(System.Logger.Level.WARNING, "DevProxy trusts ANY certificate from HTTPS upstreams"
                    + " (insecureTrustAnyUpstreamCertificate): man-in-the-middle attacks go unnoticed. Development only.");
        }
    }

    /** The JDK's default context, no trust-anything: what a proxy built without TLS options uses. */
    public static ClientTls defaults() {
        return new ClientTls(null, false);
    }

    /**
     * The context, made on first use. The JDK's default reads the trust store from disk once, a few tens of
     * milliseconds; {@link #prepare()} lets the server do that at start, off the loops, when it knows an HTTPS
     * upstream is configured.
     */
    public SSLContext context() {
        SSLContext made = context;
        if (made == null) {
            made = make();
            context = made;
        }
        return made;
    }

    /** Makes the context now, so no loop pays for it later. */
    public void prepare() {
        context();
    }

    private SSLContext make() {
        try {
            if (trustAny) {
                SSLContext insecure = SSLContext.getInstance("TLS");
                insecure.init(null, new TrustManager[] {new TrustingAnything()}, null);
                return insecure;
            }
            return configured != null ? configured : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the TLS context for upstreams", e);
        }
    }

    /** The TLS layer of a new connection to {@code host:port}, over its socket's transport. On the loop's thread. */
    public Transport layer(Transport socket, EventLoop loop, String host, int port) {
        SSLEngine engine = TlsEngines.client(context(), host, port);
        if (trustAny) {
            javax.net.ssl.SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm(null);
            engine.setSSLParameters(parameters);
        }
        return TlsTransport.client(socket, engine, loop);
    }

    /**
     * Why a handshake with an upstream failed, in a few words and then the JDK's: untrusted, expired, or for
     * another host, which is what someone reading the log wants to know first.
     */
    public static String describe(SSLException failure) {
        String cause = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                cause = "certificate expired";
            } else if (t instanceof CertificateNotYetValidException) {
                cause = "certificate not yet valid";
            } else if (t instanceof CertPathValidatorException validator
                    && validator.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                cause = "certificate expired";
            } else if (t instanceof CertPathBuilderException && cause == null) {
                cause = "certificate not trusted";
            } else if (t instanceof java.security.cert.CertificateException certificate && cause == null
                    && String.valueOf(certificate.getMessage()).startsWith("No subject alternative")) {
                cause = "certificate is for another host";
            }
        }
        return "TLS handshake failed: " + (cause != null ? cause + " (" + failure.getMessage() + ")"
                : failure.getMessage());
    }

    /** The logger, looked up only when there is something to log: a lookup initialises logging (see Server). */
    private static final class LogHolder {
        static final System.Logger LOG = System.getLogger("dev.devproxy");
    }

    /** Trusts every certificate, and, being extended, keeps the JDK from checking host names after it. */
    private static final class TrustingAnything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
