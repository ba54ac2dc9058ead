package dev.devproxy.internal.stub;

import dev.devproxy.stub.RequestMatcher;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a built-in matcher is: the factory of {@code RequestMatchers} that made it and the arguments it was
 * given, so that it can be written as JSON and read back into an equal matcher. A custom matcher (a lambda, a
 * class of the user's, {@code RequestMatchers.matching}) has none.
 *
 * @param kind the factory
 * @param name the header or query parameter name; empty for the other kinds
 * @param value the factory's other argument: the method, path, prefix, glob, regex, value, text, JSON text,
 *     or for {@link Kind#BODY_BYTES} the bytes in base64; empty for the "present" kinds
 */
public record MatcherForm(Kind kind, String name, String value) {
    /** The factories of {@code RequestMatchers} whose matchers have a form. */
    public enum Kind {
        /** {@code method(value)} */
        METHOD,
        /** {@code path(value)} */
        PATH,
        /** {@code pathStartingWith(value)} */
        PATH_PREFIX,
        /** {@code pathGlob(value)} */
        PATH_GLOB,
        /** {@code pathMatching(value)} */
        PATH_REGEX,
        /** {@code queryParam(name, value)} */
        QUERY_EQUALS,
        /** {@code queryParamPresent(name)} */
        QUERY_PRESENT,
        /** {@code header(name, value)} */
        HEADER_EQUALS,
        /** {@code headerPresent(name)} */
        HEADER_PRESENT,
        /** {@code headerMatching(name, value)} */
        HEADER_MATCHING,
        /** {@code body(String value)} */
        BODY_EQUALS,
        /** {@code body(byte[])}, the bytes in base64 */
        BODY_BYTES,
        /** {@code bodyContaining(value)} */
        BODY_CONTAINING,
        /** {@code jsonBody(value)} */
        BODY_JSON
    }

    /** Checks for null. */
    public MatcherForm {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** A form without a name. */
    public static MatcherForm of(Kind kind, String value) {
        return new MatcherForm(kind, "", value);
    }

    /** Implemented by the built-in matchers: their form, or null for {@code RequestMatchers.matching}. */
    public interface Carrier {
        /** The form, or null when the matcher was made from a predicate. */
        @Nullable MatcherForm form();
    }

    /** Implemented by the matcher {@code RequestMatchers.allOf} makes: the conditions it combines. */
    public interface Composite {
        /** The conditions, in order, none of them composite. */
        List<RequestMatcher> parts();
    }
}
