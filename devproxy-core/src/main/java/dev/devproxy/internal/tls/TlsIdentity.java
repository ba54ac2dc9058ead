package dev.devproxy.internal.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private key and its certificate chain, leaf first: what a TLS endpoint presents. Immutable.
 *
 * @param privateKey the key of {@code chain.get(0)}
 * @param chain the certificate, then the certificates that issued it, up to (and including) the root
 */
public record TlsIdentity(PrivateKey privateKey, List<X509Certificate> chain) {
    private static final char[] NO_PASSWORD = new char[0];
    private static final Base64.Encoder PEM_BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

    /**
     * Copies the chain.
     *
     * @param privateKey the key of {@code chain.get(0)}
     * @param chain leaf first; not empty
     */
    public TlsIdentity {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a TLS identity needs a certificate");
        }
    }

    /**
     * The leaf certificate.
     *
     * @return the first certificate of the chain
     */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /**
     * The last certificate of the chain: what a client must trust (the certificate itself when it is self-signed).
     *
     * @return the root of the chain
     */
    public X509Certificate root() {
        return chain.get(chain.size() - 1);
    }

    /**
     * Key managers that present this identity, for {@link SSLContext#init}.
     *
     * @return the key managers
     */
    public KeyManager[] keyManagers() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("devproxy", privateKey, NO_PASSWORD, chain.toArray(Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, NO_PASSWORD);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make key managers for " + certificate().getSubjectX500Principal(), e);
        }
    }

    /**
     * Trust managers that trust exactly this identity's {@linkplain #root() root}, with the JDK's usual checks
     * (validity, chain, and host names in {@code HttpClient} and {@code HttpsURLConnection}).
     *
     * @return the trust managers
     */
    public TrustManager[] trustManagers() {
        return trusting(root());
    }

    /** Trust managers that trust exactly {@code anchor}. */
    static TrustManager[] trusting(X509Certificate anchor) {
        return trusting(List.of(anchor));
    }

    /** Trust managers that trust exactly {@code anchors}. */
    static TrustManager[] trusting(List<X509Certificate> anchors) {
        X509Certificate anchor = anchors.get(0);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("trusted-" + i, anchors.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make trust managers for " + anchor.getSubjectX500Principal(), e);
        }
    }

    /**
     * An {@link SSLContext} for a client that trusts this identity's root and nothing else.
     *
     * @return a TLS context, initialised
     */
    public SSLContext clientContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The root certificate in PEM, as {@code curl --cacert} and browsers import it.
     *
     * @return {@code -----BEGIN CERTIFICATE-----} and the base64 of its DER, in 64-character lines
     */
    public String rootPem() {
        return pem(root());
    }

    /**
     * The whole chain in PEM, leaf first, as a server presents it.
     *
     * @return each certificate's PEM block, one after another
     */
    public String chainPem() {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : chain) {
            pem.append(pem(certificate));
        }
        return pem.toString();
    }

    /**
     * The private key in PKCS #8 PEM ({@code -----BEGIN PRIVATE KEY-----}), as nginx and openssl read it.
     *
     * @return the key's PEM block
     */
    public String privateKeyPem() {
        return block("PRIVATE KEY", privateKey.getEncoded());
    }

    /**
     * Writes the root certificate's PEM to {@code file}, replacing it.
     *
     * @param file where to write
     */
    public void writeRootPem(Path file) {
        try {
            Files.writeString(file, rootPem(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the certificate to " + file, e);
        }
    }

    /** One certificate as a PEM block (RFC 7468 section 5). */
    static String pem(X509Certificate certificate) {
        try {
            return block("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String block(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + new String(PEM_BASE64.encode(der), StandardCharsets.US_ASCII)
                + "\n-----END " + label + "-----\n";
    }

    /** The subject and how many certificates: never the key. */
    @Override
    public String toString() {
        return "TlsIdentity[" + certificate().getSubjectX500Principal().getName() + ", chain of " + chain.size() + "]";
    }
}
