package dev.devproxy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a client needs to trust a running proxy's HTTPS listener ({@link DevProxy#tlsTrust()}) or the certificates
 * of the hosts it intercepts ({@link DevProxy#interceptionTrust()}): the root certificate, as PEM text
 * and as a file (for {@code curl --cacert}, a browser's import, {@code -Djavax.net.ssl.trustStore} tools), and an
 * {@link SSLContext} that trusts it and nothing else. Immutable.
 *
 * @param certificatePem the root certificate, {@code -----BEGIN CERTIFICATE-----} and its base64
 * @param certificateFile a file holding {@code certificatePem}: {@code TLS_CERT_FILE} (or {@code INTERCEPT_CA_FILE})
 *     when set, otherwise a temporary file deleted when the JVM exits
 */
public record TlsTrust(String certificatePem, Path certificateFile) {
    /**
     * Checks both are given.
     *
     * @param certificatePem the PEM
     * @param certificateFile the file holding it
     */
    public TlsTrust {
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(certificateFile, "certificateFile");
    }

    /**
     * A new client context trusting only this certificate, with the JDK's checks (validity, chain, and host names
     * where the client asks for them, as {@code HttpClient} does).
     *
     * @return an initialised TLS context, for {@code HttpClient.newBuilder().sslContext(...)} and the like
     */
    public SSLContext sslContext() {
        try {
            Certificate root = CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("devproxy", root);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a client context trusting the proxy's certificate", e);
        }
    }
}
