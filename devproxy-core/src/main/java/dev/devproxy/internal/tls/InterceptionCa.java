package dev.devproxy.internal.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * The certificate authority HTTPS interception signs its leaves with: made in-process at start (EC P-256, valid
 * for {@link #GENERATED_VALIDITY}), or loaded from a keystore. It also holds the one key pair every leaf shares,
 * so that {@link #mint} costs one ECDSA signature (and the read-back check), never a key generation. Sharing the
 * key costs nothing a test proxy cares about: every leaf is as trusted as the CA anyway, and the key never leaves
 * the process. Immutable; {@link #mint} may run on any thread.
 */
public final class InterceptionCa {
    /** How long a CA made at start is valid: long enough for any test run or working day, short if it leaks. */
    public static final Duration GENERATED_VALIDITY = Duration.ofDays(7);
    /** The longest a leaf is valid; never past the CA's own end. */
    private static final Duration LEAF_VALIDITY = Duration.ofDays(7);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TlsIdentity authority;
    private final KeyPair leafKeys;

    private InterceptionCa(TlsIdentity authority) {
        this.authority = authority;
        this.leafKeys = CertificateMaker.newKeyPair();
    }

    /** A CA made now, valid for {@link #GENERATED_VALIDITY}. */
    public static InterceptionCa generated() {
        return new InterceptionCa(
                CertificateMaker.certificateAuthority("DevProxy interception CA", GENERATED_VALIDITY));
    }

    /**
     * The first key entry of {@code store} whose certificate is a CA ({@code basicConstraints cA=TRUE}).
     *
     * @param source what to name in errors, such as the file or "interceptionCa(KeyStore)"
     * @throws IllegalArgumentException when there is no such entry, its key cannot be read, or it has expired
     */
    public static InterceptionCa loaded(KeyStore store, char[] password, String source) {
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Key key = store.getKey(alias, password);
                Certificate[] chain = store.getCertificateChain(alias);
                if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0
                        || !(chain[0] instanceof X509Certificate certificate) || certificate.getBasicConstraints() < 0) {
                    continue;
                }
                if (certificate.getNotAfter().toInstant().isBefore(Instant.now())) {
                    throw new IllegalArgumentException(source + ": the CA certificate expired on "
                            + certificate.getNotAfter().toInstant());
                }
                List<X509Certificate> certificates = new ArrayList<>();
                for (Certificate each : chain) {
                    certificates.add((X509Certificate) each);
                }
                return new InterceptionCa(new TlsIdentity(privateKey, certificates));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(source + ": cannot read its key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(source + ": holds no private key with a CA certificate"
                + " (basicConstraints cA=TRUE)");
    }

    /** {@link #loaded} from a PKCS12 file. */
    public static InterceptionCa loaded(Path file, char[] password) {
        String source = "INTERCEPT_CA_KEYSTORE " + file;
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return loaded(store, password, source);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(source + ": not a PKCS12 keystore", e);
        } catch (IOException e) {
            if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                throw new IllegalArgumentException(source + ": wrong password", e);
            }
            throw new UncheckedIOException(source + ": cannot read it as PKCS12", e);
        }
    }

    /** The CA's certificate: what a client under test trusts. */
    public X509Certificate certificate() {
        return authority.certificate();
    }

    /** The CA's certificate as PEM, for {@code curl --cacert} and browsers. */
    public String certificatePem() {
        return TlsIdentity.pem(authority.certificate());
    }

    /**
     * A leaf for {@code host} (a DNS name or an IP literal, which goes in subjectAltName as such), signed by this
     * CA with the shared leaf key, and a server context presenting it. A signature, its check by the JDK's parser
     * and a TLS context: not measured, but more than an event loop should spend on one connection; call it off the
     * loops.
     */
    public Leaf mint(String host) {
        Instant caEnd = authority.certificate().getNotAfter().toInstant();
        Duration left = Duration.between(Instant.now(), caEnd);
        Duration validity = left.compareTo(LEAF_VALIDITY) < 0 ? left : LEAF_VALIDITY;
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalStateException("the interception CA expired on " + caEnd);
        }
        TlsIdentity identity = CertificateMaker.leaf(authority, leafKeys, List.of(host), validity);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            // An empty trust manager array, not null: null would load the JDK's trust store for every leaf, and
            // an interception server never asks clients for certificates.
            context.init(new KeyManager[] {new OneIdentity(identity)}, new TrustManager[0], RANDOM);
            return new Leaf(host, identity, context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a TLS server context for " + host, e);
        }
    }

    /**
     * A leaf certificate made for one host, and the server context that presents it.
     *
     * @param host the host it names
     * @param identity the shared leaf key, the leaf, then the CA's chain
     * @param context a server context presenting {@code identity}
     */
    public record Leaf(String host, TlsIdentity identity, SSLContext context) {
    }

    /**
     * Presents one identity, with no key store in between: a PKCS12 store would encrypt the key for each leaf
     * (a password-based cipher of thousands of iterations) only for the key manager to decrypt it again.
     */
    private static final class OneIdentity extends X509ExtendedKeyManager {
        private static final String ALIAS = "leaf";
        private final TlsIdentity identity;
        private final X509Certificate[] chain;

        OneIdentity(TlsIdentity identity) {
            this.identity = identity;
            this.chain = identity.chain().toArray(X509Certificate[]::new);
        }

        private @Nullable String aliasFor(String keyType) {
            return keyType.equals(identity.privateKey().getAlgorithm()) ? ALIAS : null;
        }

        @Override
        public @Nullable String chooseEngineServerAlias(String keyType, Principal @Nullable [] issuers,
                @Nullable SSLEngine engine) {
            return aliasFor(keyType);
        }

        @Override
        public @Nullable String chooseServerAlias(String keyType, Principal @Nullable [] issuers,
                @Nullable Socket socket) {
            return aliasFor(keyType);
        }

        @Override
        public String @Nullable [] getServerAliases(String keyType, Principal @Nullable [] issuers) {
            return aliasFor(keyType) == null ? null : new String[] {ALIAS};
        }

        @Override
        public String @Nullable [] getClientAliases(String keyType, Principal @Nullable [] issuers) {
            return null;
        }

        @Override
        public @Nullable String chooseClientAlias(String[] keyType, Principal @Nullable [] issuers,
                @Nullable Socket socket) {
            return null;
        }

        @Override
        public X509Certificate @Nullable [] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public @Nullable PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? identity.privateKey() : null;
        }
    }
}
