package dev.devproxy.internal.tls;

import dev.devproxy.Config;
import dev.devproxy.TlsClientAuth;
import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.loop.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * What an HTTPS listener needs, made once at start: its identity (loaded from a keystore, or a certificate
 * authority and a leaf for {@code localhost}, {@code 127.0.0.1} and {@code ::1} made in-process), the server
 * {@link SSLContext}, and how each accepted socket gets its TLS layer. Immutable; shared by the loops.
 */
public final class ServerTls {
    /** What a client that sent plain HTTP to the HTTPS port reads before the close, as nginx answers it. */
    private static final ByteBuffer PLAIN_HTTP_ANSWER;

    static {
        byte[] body = "This port speaks HTTPS: the request was sent as plain HTTP. Use an https:// URL.\n"
                .getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        ByteBuffer answer = ByteBuffer.allocate(head.length() + body.length);
        answer.put(head.getBytes(StandardCharsets.US_ASCII)).put(body).flip();
        PLAIN_HTTP_ANSWER = answer.asReadOnlyBuffer();
    }

    /** The hosts a made certificate names: every way a local client reaches a loopback listener. */
    static final List<String> LOCAL_HOSTS = List.of("localhost", "127.0.0.1", "::1");

    private final TlsIdentity identity;
    private final SSLContext context;
    private final TlsClientAuth clientAuth;
    private final long handshakeTimeoutNanos;

    public ServerTls(TlsIdentity identity, TrustManager[] clientTrust, TlsClientAuth clientAuth,
            Duration handshakeTimeout) {
        this.identity = identity;
        this.context = TlsEngines.serverContext(identity, clientTrust);
        this.clientAuth = clientAuth;
        this.handshakeTimeoutNanos = handshakeTimeout.toNanos();
    }

    /**
     * The listener's TLS as {@code config} describes it, asking for client certificates as {@code setup} says;
     * writes the trusted PEM where the config asks.
     */
    public static ServerTls from(Config config, TlsSetup setup) {
        Path keystore = config.tlsKeystore();
        TlsIdentity identity = keystore != null ? load(keystore, config.tlsKeystorePassword().toCharArray())
                : made();
        TrustManager[] clientTrust = new TrustManager[0];
        if (setup.clientAuth() != TlsClientAuth.NONE) {
            clientTrust = TlsIdentity.trusting(setup.clientIssuers());
        }
        ServerTls tls = new ServerTls(identity, clientTrust, setup.clientAuth(), config.tlsHandshakeTimeout());
        Path certFile = config.tlsCertFile();
        if (certFile != null) {
            identity.writeRootPem(certFile);
        }
        return tls;
    }

    /** A certificate authority made for this run, and a leaf it signs for the local host names. */
    static TlsIdentity made() {
        TlsIdentity authority = CertificateMaker.certificateAuthority("DevProxy local CA", Duration.ofDays(825));
        return CertificateMaker.leaf(authority, LOCAL_HOSTS, Duration.ofDays(825));
    }

    /** The first key entry of a PKCS12 or JKS keystore, with its chain. */
    static TlsIdentity load(Path file, char[] password) {
        KeyStore store = null;
        GeneralSecurityException last = null;
        for (String type : new String[] {"PKCS12", "JKS"}) {
            try (InputStream in = Files.newInputStream(file)) {
                KeyStore candidate = KeyStore.getInstance(type);
                candidate.load(in, password);
                store = candidate;
                break;
            } catch (GeneralSecurityException e) {
                last = e;
            } catch (IOException e) {
                if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                    throw new IllegalArgumentException("TLS_KEYSTORE " + file + ": wrong password", e);
                }
                if (type.equals("JKS")) {
                    throw new UncheckedIOException("TLS_KEYSTORE " + file + ": cannot read it as PKCS12 or JKS", e);
                }
            }
        }
        if (store == null) {
            throw new IllegalArgumentException("TLS_KEYSTORE " + file + ": not a PKCS12 or JKS keystore", last);
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Key key = store.getKey(alias, password);
                Certificate[] chain = store.getCertificateChain(alias);
                if (key instanceof PrivateKey privateKey && chain != null && chain.length > 0) {
                    List<X509Certificate> certificates = new ArrayList<>();
                    for (Certificate certificate : chain) {
                        certificates.add((X509Certificate) certificate);
                    }
                    return new TlsIdentity(privateKey, certificates);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS_KEYSTORE " + file + ": cannot read its key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("TLS_KEYSTORE " + file + ": holds no private key with a certificate");
    }

    public TlsIdentity identity() {
        return identity;
    }

    /** The TLS layer over an accepted socket's transport. On the loop's thread. */
    public Transport layer(Transport socket, EventLoop loop) {
        return TlsTransport.server(socket, TlsEngines.server(context, clientAuth), loop, handshakeTimeoutNanos,
                PLAIN_HTTP_ANSWER);
    }
}
