package dev.devproxy.parser;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A field name encoded once, for lookups that allocate nothing: {@link HeaderFields#indexOf(HeaderName)} compares
 * its lower-case bytes with each name, length first, ignoring ASCII case (RFC 9110 section 5.1). Make one per name
 * at start-up, as a constant, and use it for every message.
 *
 * <p>Immutable and thread-safe. Two are equal when their names are, ignoring ASCII case, so they can key a map.
 */
public final class HeaderName {
    /** {@code Host} (RFC 9110 section 7.2). */
    public static final HeaderName HOST = of("Host");
    /** {@code Content-Type} (RFC 9110 section 8.3). */
    public static final HeaderName CONTENT_TYPE = of("Content-Type");
    /** {@code Content-Length} (RFC 9110 section 8.6). */
    public static final HeaderName CONTENT_LENGTH = of("Content-Length");
    /** {@code Transfer-Encoding} (RFC 9112 section 6.1). */
    public static final HeaderName TRANSFER_ENCODING = of("Transfer-Encoding");
    /** {@code Connection} (RFC 9110 section 7.6.1). */
    public static final HeaderName CONNECTION = of("Connection");
    /** {@code Accept} (RFC 9110 section 12.5.1). */
    public static final HeaderName ACCEPT = of("Accept");
    /** {@code User-Agent} (RFC 9110 section 10.1.5). */
    public static final HeaderName USER_AGENT = of("User-Agent");
    /** {@code Authorization} (RFC 9110 section 11.6.2). */
    public static final HeaderName AUTHORIZATION = of("Authorization");
    /** {@code Cookie} (RFC 6265 section 5.4). */
    public static final HeaderName COOKIE = of("Cookie");

    private final String name;
    private final byte[] lowerCase;
    private final int hash;

    private HeaderName(String name, byte[] lowerCase) {
        this.name = name;
        this.lowerCase = lowerCase;
        this.hash = Arrays.hashCode(lowerCase);
    }

    /**
     * Encodes {@code name}.
     *
     * @param name a field name: a token (RFC 9110 section 5.1), such as {@code X-Api-Version}
     * @return the encoded name
     * @throws IllegalArgumentException if {@code name} is empty or not a token
     */
    public static HeaderName of(String name) {
        Objects.requireNonNull(name, "name");
        byte[] lower = new byte[name.length()];
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7F || !HttpTokens.isTchar((byte) c)) {
                throw new IllegalArgumentException("not a field name (RFC 9110 section 5.1, a token): \"" + name + '"');
            }
            lower[i] = (byte) HttpTokens.toLower(c);
        }
        if (lower.length == 0) {
            throw new IllegalArgumentException("a field name is not empty (RFC 9110 section 5.1)");
        }
        return new HeaderName(name, lower);
    }

    /** Whether {@code bytes[start, end)} is this name, ignoring ASCII case. Allocates nothing. */
    boolean matches(byte[] bytes, int start, int end) {
        byte[] lower = lowerCase;
        if (end - start != lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            if (HttpTokens.toLower(bytes[start + i] & 0xFF) != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The name as given to {@link #of}.
     *
     * @return the name, in the case it was given
     */
    public String name() {
        return name;
    }

    /** Equal when the names are, ignoring ASCII case. */
    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof HeaderName that && hash == that.hash && Arrays.equals(lowerCase, that.lowerCase);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** The name as given to {@link #of}. */
    @Override
    public String toString() {
        return name;
    }
}
