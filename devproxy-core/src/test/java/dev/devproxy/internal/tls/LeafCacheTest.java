package dev.devproxy.internal.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interception CA and its leaves: what they carry (checked by the JDK and by {@code openssl x509 -text}),
 * that a host's leaf is made once and kept, that every leaf shares one key, and that the cache is bounded.
 */
@Timeout(30)
class LeafCacheTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    @TempDir
    Path dir;

    private final InterceptionCa ca = InterceptionCa.generated();
    private final LeafCache cache = new LeafCache(ca, 3);

    @AfterEach
    void stop() {
        cache.close();
    }

    private InterceptionCa.Leaf leaf(String host) throws Exception {
        return cache.leafFor(host).get(10, TimeUnit.SECONDS);
    }

    @Test
    void theSameHostGetsTheSameLeafWhateverItsCase() throws Exception {
        InterceptionCa.Leaf first = leaf("api.example.test");

        assertSame(first, leaf("api.example.test"));
        assertSame(first, leaf("API.Example.Test"));
        assertNotSame(first, leaf("other.example.test"));
        assertEquals(2, cache.size());
    }

    @Test
    void everyLeafSharesOneKeyAndIsSignedByTheCa() throws Exception {
        X509Certificate one = leaf("one.test").identity().certificate();
        X509Certificate two = leaf("two.test").identity().certificate();

        assertArrayEquals(one.getPublicKey().getEncoded(), two.getPublicKey().getEncoded());
        one.verify(ca.certificate().getPublicKey());
        two.verify(ca.certificate().getPublicKey());
        assertTrue(one.getNotAfter().compareTo(ca.certificate().getNotAfter()) <= 0, "a leaf never outlives its CA");
    }

    @Test
    void aLeafNamesItsHostInSubjectAltNameAndIsForServerAuthenticationAndTheCaIsACa() throws Exception {
        X509Certificate host = leaf("api.example.test").identity().certificate();
        X509Certificate address = leaf("127.0.0.1").identity().certificate();

        assertEquals(List.of(List.of(2, "api.example.test")), List.copyOf(host.getSubjectAlternativeNames()));
        assertEquals(List.of(List.of(7, "127.0.0.1")), List.copyOf(address.getSubjectAlternativeNames()));
        assertTrue(host.getExtendedKeyUsage().contains(SERVER_AUTH), host.getExtendedKeyUsage().toString());
        assertEquals(-1, host.getBasicConstraints(), "a leaf is not a CA");
        assertTrue(ca.certificate().getBasicConstraints() >= 0, "the CA has basicConstraints cA=TRUE");

        String caText = openssl(ca.certificatePem());
        assertTrue(caText.contains("CA:TRUE"), caText);
        String leafText = openssl(TlsIdentity.pem(host));
        assertTrue(leafText.contains("DNS:api.example.test"), leafText);
        assertTrue(leafText.contains("TLS Web Server Authentication"), leafText);
        assertTrue(leafText.contains("CA:FALSE"), leafText);
    }

    @Test
    void theCacheKeepsAtMostItsCapacityDroppingTheOldestFirst() throws Exception {
        InterceptionCa.Leaf oldest = leaf("a.test");
        leaf("b.test");
        leaf("c.test");
        leaf("d.test");

        assertEquals(3, cache.size());
        assertNotSame(oldest, leaf("a.test"), "a.test was dropped first and made again");
    }

    @Test
    void aLeafAskedForOnceTheCacheIsClosedFailsAndIsNotKept() {
        cache.close();

        java.util.concurrent.CompletableFuture<InterceptionCa.Leaf> refused = cache.leafFor("late.test");

        assertTrue(refused.isCompletedExceptionally(), "failed at once, not left waiting");
        assertEquals(0, cache.size(), "a failure is forgotten, so a later ask tries again");
    }

    @Test
    void aCaIsLoadedFromAKeystoreAndALeafCertificateIsNotTakenForOne() throws Exception {
        TlsIdentity authority = CertificateMaker.certificateAuthority("Loaded CA", Duration.ofDays(1));
        InterceptionCa loaded = InterceptionCa.loaded(keystore(authority), "pw".toCharArray());
        assertEquals(authority.certificate(), loaded.certificate());
        loaded.mint("x.test").identity().certificate().verify(authority.certificate().getPublicKey());

        TlsIdentity leafOnly = CertificateMaker.leaf(authority, List.of("x.test"), Duration.ofDays(1));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> InterceptionCa.loaded(keystore(leafOnly), "pw".toCharArray()));
        assertTrue(refused.getMessage().contains("basicConstraints"), refused.getMessage());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> InterceptionCa.loaded(keystore(authority), "nope".toCharArray()));
        assertTrue(wrong.getMessage().contains("wrong password"), wrong.getMessage());
    }

    private Path keystore(TlsIdentity identity) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("ca", identity.privateKey(), "pw".toCharArray(), identity.chain().toArray(Certificate[]::new));
        Path file = Files.createTempFile(dir, "ca-", ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "pw".toCharArray());
        }
        return file;
    }

    /** {@code openssl x509 -noout -text} of a PEM certificate; the test is skipped where openssl is not installed. */
    private String openssl(String pem) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")),
                "openssl is not installed");
        Path file = Files.createTempFile(dir, "cert-", ".pem");
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
        Process process = new ProcessBuilder("openssl", "x509", "-noout", "-text", "-in", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "openssl did not finish");
        assertEquals(0, process.exitValue(), out);
        return out;
    }
}
