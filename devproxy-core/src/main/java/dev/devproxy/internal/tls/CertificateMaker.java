package dev.devproxy.internal.tls;

import static dev.devproxy.internal.tls.Der.bitString;
import static dev.devproxy.internal.tls.Der.bool;
import static dev.devproxy.internal.tls.Der.explicit;
import static dev.devproxy.internal.tls.Der.implicitPrimitive;
import static dev.devproxy.internal.tls.Der.integer;
import static dev.devproxy.internal.tls.Der.namedBits;
import static dev.devproxy.internal.tls.Der.octetString;
import static dev.devproxy.internal.tls.Der.oid;
import static dev.devproxy.internal.tls.Der.sequence;
import static dev.devproxy.internal.tls.Der.setOf;
import static dev.devproxy.internal.tls.Der.time;
import static dev.devproxy.internal.tls.Der.utf8String;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Makes X.509 v3 certificates (RFC 5280) with EC P-256 keys signed with ECDSA-SHA256, from public JDK APIs only:
 * the key pair from {@link KeyPairGenerator}, the subject's key as {@link PublicKey#getEncoded()} gives it
 * (already a SubjectPublicKeyInfo), the signature from {@link Signature}, and the rest written as DER by
 * {@link Der}. No {@code sun.security.x509}, which moves between JDK releases and needs {@code --add-exports}.
 * {@link CertificateFactory} parses every certificate made, so a malformed one fails here, not in a handshake.
 */
public final class CertificateMaker {
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String ORGANIZATION = "2.5.4.10";
    private static final String SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    /** KeyUsage bits (RFC 5280 section 4.2.1.3). */
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;
    /** Certificates start an hour early, so a client whose clock is a little behind still accepts them. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateMaker() {
    }

    /** A new EC key pair on the P-256 curve (secp256r1), the key type every TLS 1.2 and 1.3 client takes. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys", e);
        }
    }

    /**
     * A self-signed certificate authority: {@code basicConstraints cA=TRUE, pathLen=0} (it signs leaves only),
     * key usage {@code keyCertSign, cRLSign}.
     *
     * @param commonName the CA's name, as clients show it
     * @param validity how long from now it is valid
     * @return the CA's key and certificate
     */
    public static TlsIdentity certificateAuthority(String commonName, Duration validity) {
        KeyPair keys = newKeyPair();
        byte[] name = name(commonName);
        byte[] keyId = keyIdentifier(keys.getPublic());
        byte[] extensions = sequence(
                extension(BASIC_CONSTRAINTS, true, sequence(bool(true), integer(0))),
                extension(KEY_USAGE, true, namedBits(KEY_CERT_SIGN, CRL_SIGN)),
                extension(SUBJECT_KEY_IDENTIFIER, false, octetString(keyId)));
        X509Certificate certificate = sign(name, name, keys, keys, validity, extensions);
        return new TlsIdentity(keys.getPrivate(), List.of(certificate));
    }

    /**
     * A certificate for {@code hosts} signed by {@code issuer}, for a TLS server or client: {@code cA=FALSE},
     * key usage {@code digitalSignature}, extended key usage serverAuth and clientAuth, and every host in
     * subjectAltName (RFC 6125: clients match names there, not in the common name), an IP literal as an
     * iPAddress entry and anything else as a dNSName.
     *
     * @param issuer the CA that signs it
     * @param hosts host names ({@code localhost}, {@code *.example.test}) and IP literals ({@code 127.0.0.1},
     *     {@code ::1}); the first is also the common name
     * @param validity how long from now it is valid
     * @return the new key, and the certificate followed by the issuer's chain
     * @throws IllegalArgumentException when {@code hosts} is empty
     */
    public static TlsIdentity leaf(TlsIdentity issuer, List<String> hosts, Duration validity) {
        return leaf(issuer, newKeyPair(), hosts, validity);
    }

    /**
     * As {@link #leaf(TlsIdentity, List, Duration)}, for the given key pair: many leaves may share one key, so
     * that making one costs a signature and no key generation (interception's leaves, one per host).
     *
     * @param issuer the CA that signs it
     * @param keys the leaf's key pair
     * @param hosts host names and IP literals; the first is also the common name
     * @param validity how long from now it is valid
     * @return {@code keys}' private key, and the certificate followed by the issuer's chain
     * @throws IllegalArgumentException when {@code hosts} is empty
     */
    public static TlsIdentity leaf(TlsIdentity issuer, KeyPair keys, List<String> hosts, Duration validity) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one host name");
        }
        X509Certificate issuerCertificate = issuer.certificate();
        byte[] issuerName = issuerCertificate.getSubjectX500Principal().getEncoded();
        byte[] extensions = sequence(
                extension(BASIC_CONSTRAINTS, true, sequence()),
                extension(KEY_USAGE, true, namedBits(DIGITAL_SIGNATURE)),
                extension(EXTENDED_KEY_USAGE, false, sequence(oid(SERVER_AUTH), oid(CLIENT_AUTH))),
                extension(SUBJECT_ALT_NAME, false, subjectAltNames(hosts)),
                extension(SUBJECT_KEY_IDENTIFIER, false, octetString(keyIdentifier(keys.getPublic()))),
                extension(AUTHORITY_KEY_IDENTIFIER, false,
                        sequence(implicitPrimitive(0, issuerKeyIdentifier(issuerCertificate)))));
        KeyPair issuerKeys = new KeyPair(issuerCertificate.getPublicKey(), issuer.privateKey());
        X509Certificate certificate = sign(name(hosts.get(0)), issuerName, keys, issuerKeys, validity, extensions);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(issuer.chain());
        return new TlsIdentity(keys.getPrivate(), chain);
    }

    /** TBSCertificate, signed (RFC 5280 section 4.1), then read back by the JDK's own parser as a check. */
    private static X509Certificate sign(byte[] subject, byte[] issuer, KeyPair subjectKeys, KeyPair issuerKeys,
            Duration validity, byte[] extensions) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        boolean rsa = issuerKeys.getPrivate().getAlgorithm().equals("RSA");
        // A CA loaded by the user may be RSA; DevProxy's own keys are EC. RFC 4055: sha256WithRSAEncryption takes
        // NULL parameters; RFC 5758: ecdsa-with-SHA256 takes none.
        byte[] algorithm = rsa ? sequence(oid(SHA256_WITH_RSA), Der.nullValue()) : sequence(oid(ECDSA_WITH_SHA256));
        byte[] tbs = sequence(
                explicit(0, integer(2)), // version v3
                integer(serialNumber()),
                algorithm,
                issuer,
                sequence(time(now.minus(BACKDATE)), time(now.plus(validity))),
                subject,
                subjectKeys.getPublic().getEncoded(),
                explicit(3, extensions));
        try {
            Signature signature = Signature.getInstance(rsa ? "SHA256withRSA" : "SHA256withECDSA");
            signature.initSign(issuerKeys.getPrivate(), RANDOM);
            signature.update(tbs);
            byte[] certificate = sequence(tbs, algorithm, bitString(signature.sign()));
            X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificate));
            parsed.verify(issuerKeys.getPublic());
            return parsed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the certificate made does not parse or verify", e);
        }
    }

    /** {@code CN=commonName, O=DevProxy}: an RDNSequence of one attribute per RDN. */
    private static byte[] name(String commonName) {
        return sequence(
                setOf(sequence(oid(ORGANIZATION), utf8String("DevProxy"))),
                setOf(sequence(oid(COMMON_NAME), utf8String(commonName))));
    }

    private static byte[] extension(String id, boolean critical, byte[] value) {
        return critical ? sequence(oid(id), bool(true), octetString(value)) : sequence(oid(id), octetString(value));
    }

    /** GeneralNames: {@code dNSName [2] IA5String} or {@code iPAddress [7] OCTET STRING} (RFC 5280 4.2.1.6). */
    private static byte[] subjectAltNames(List<String> hosts) {
        List<byte[]> names = new ArrayList<>();
        for (String host : hosts) {
            byte[] address = ipLiteral(host);
            names.add(address != null
                    ? implicitPrimitive(7, address)
                    : implicitPrimitive(2, host.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII)));
        }
        return sequence(names.toArray(byte[][]::new));
    }

    /** The address bytes of an IPv4 or IPv6 literal ({@code [::1]} too), or null for a host name. No lookup. */
    static byte[] ipLiteral(String host) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean ipv4 = !literal.isEmpty() && literal.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        if (!ipv4 && literal.indexOf(':') < 0) {
            return null;
        }
        try {
            // A literal is parsed, never looked up (InetAddress.getByName's contract for IP address strings).
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + host, e);
        }
    }

    /**
     * A key identifier (RFC 5280 section 4.2.1.2): the SHA-1 of the whole SubjectPublicKeyInfo, one of the
     * "other methods" the section allows; what matters is that it is the same wherever the key is named.
     */
    private static byte[] keyIdentifier(PublicKey key) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(key.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The issuer's own subjectKeyIdentifier when it has one (a CA loaded from a keystore), else one made here. */
    private static byte[] issuerKeyIdentifier(X509Certificate issuer) {
        byte[] extension = issuer.getExtensionValue(SUBJECT_KEY_IDENTIFIER);
        if (extension != null) {
            // getExtensionValue gives the extnValue OCTET STRING, whose contents are the KeyIdentifier OCTET STRING.
            byte[] keyId = Der.contents(Der.contents(extension));
            if (keyId != null) {
                return keyId;
            }
        }
        return keyIdentifier(issuer.getPublicKey());
    }

    /** A positive random serial of up to 20 octets (RFC 5280 section 4.1.2.2), unique in practice. */
    private static BigInteger serialNumber() {
        return new BigInteger(127, RANDOM).setBit(120);
    }
}
