package dev.devproxy.stub;

import dev.devproxy.RecordedRequest;
import java.util.List;

/**
 * Decides whether a request matches, and says why not. Stubs pick requests with one; the journal finds and
 * verifies requests with one. Build them with {@link RequestPattern} ({@code get("/users").withHeader(...)})
 * or {@link RequestMatchers}; a lambda works too:
 *
 * <pre>{@code
 * RequestMatcher idempotent = request -> !request.method().equals("POST");
 * }</pre>
 *
 * <p>Stub matching runs on an event-loop thread, once per request and stub: implementations must be fast,
 * must not block, and must be thread-safe (immutable is simplest). A matcher that throws counts as "no match"
 * for that request and is logged.
 */
@FunctionalInterface
public interface RequestMatcher {

    /**
     * Whether {@code request} matches.
     *
     * @param request the request; when {@link #needsBody()} is false, stubs may pass a copy of the head only,
     *     with an empty body
     * @return true when the request meets every condition of this matcher
     */
    boolean matches(RecordedRequest request);

    /**
     * What this matcher accepts, for failure messages, such as {@code header Accept = "application/json"}.
     * The default names the implementing class, or says "a custom matcher" for a lambda; wrap lambdas with
     * {@link RequestMatchers#matching(String, boolean, java.util.function.Predicate)} to describe them.
     *
     * @return a one-line description
     */
    default String describe() {
        Class<?> type = getClass();
        // A lambda's class name (Foo$$Lambda/0x...) says nothing a reader can use.
        return type.isSynthetic() || type.isAnonymousClass() || type.getSimpleName().contains("$$")
                ? "a custom matcher" : "custom matcher " + type.getSimpleName();
    }

    /**
     * Why {@code request} does not match, one line per unmet condition, such as
     * {@code path: expected "/users" but was "/user"}; empty exactly when it matches.
     *
     * @param request the request to check
     * @return the unmet conditions, one line each; empty when the request matches
     */
    default List<String> mismatches(RecordedRequest request) {
        return matches(request) ? List.of() : List.of("did not match " + describe());
    }

    /**
     * Whether this matcher reads the body. Stubs read a request's body before choosing only when a stub whose
     * other conditions match needs it, so that other traffic streams. The default is true, which is always
     * correct; return false only when {@link #matches} reads nothing but the method, target, path, query and
     * header fields.
     *
     * @return whether {@link #matches} may read the body
     */
    default boolean needsBody() {
        return true;
    }

    /**
     * A matcher that requires both this one and {@code other}; mismatches of both are reported.
     *
     * @param other the other matcher
     * @return a matcher that matches when both match
     */
    default RequestMatcher and(RequestMatcher other) {
        return RequestMatchers.allOf(this, other);
    }
}
