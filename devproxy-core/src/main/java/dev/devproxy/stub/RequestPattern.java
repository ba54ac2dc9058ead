package dev.devproxy.stub;

import dev.devproxy.RecordedRequest;
import dev.devproxy.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A fluent request matcher: a method and a path, then further conditions, ready to become a {@link Stub} or
 * to find and verify requests in the journal. Immutable: each {@code with...} method returns a new pattern.
 *
 * <pre>{@code
 * import static dev.devproxy.stub.RequestPattern.*;
 * import static dev.devproxy.stub.Responses.*;
 *
 * proxy.stubFor(get("/api/users").withHeader("Accept", "application/json").willReturn(json(200, "[]")));
 * proxy.verify(post("/api/users").withJsonBody("{\"name\": \"Ann\"}"));
 * }</pre>
 *
 * <p>A path given as a string must equal the request's path exactly (before {@code ?}, not decoded); for
 * prefixes, globs and regular expressions pass a matcher: {@code get(pathGlob("/users/*"))}.
 */
public final class RequestPattern implements RequestMatcher {
    private final String head;
    private final List<RequestMatcher> parts;
    private final boolean needsBody;

    private RequestPattern(String head, List<RequestMatcher> parts) {
        this.head = head;
        this.parts = List.copyOf(parts);
        this.needsBody = parts.stream().anyMatch(RequestMatcher::needsBody);
    }

    /**
     * {@code GET} requests to exactly {@code path}.
     *
     * @param path the path to match exactly, before {@code ?} and not decoded
     * @return a new pattern
     */
    public static RequestPattern get(String path) {
        return request("GET", path);
    }

    /**
     * {@code GET} requests whose path {@code pathMatcher} matches, such as {@code pathGlob("/users/*")}.
     *
     * @param pathMatcher the matcher the request's path must satisfy
     * @return a new pattern
     */
    public static RequestPattern get(RequestMatcher pathMatcher) {
        return request("GET", pathMatcher);
    }

    /**
     * {@code POST} requests to exactly {@code path}.
     *
     * @param path the path to match exactly, before {@code ?} and not decoded
     * @return a new pattern
     */
    public static RequestPattern post(String path) {
        return request("POST", path);
    }

    /**
     * {@code POST} requests whose path {@code pathMatcher} matches.
     *
     * @param pathMatcher the matcher the request's path must satisfy
     * @return a new pattern
     */
    public static RequestPattern post(RequestMatcher pathMatcher) {
        return request("POST", pathMatcher);
    }

    /**
     * {@code PUT} requests to exactly {@code path}.
     *
     * @param path the path to match exactly, before {@code ?} and not decoded
     * @return a new pattern
     */
    public static RequestPattern put(String path) {
        return request("PUT", path);
    }

    /**
     * {@code PUT} requests whose path {@code pathMatcher} matches.
     *
     * @param pathMatcher the matcher the request's path must satisfy
     * @return a new pattern
     */
    public static RequestPattern put(RequestMatcher pathMatcher) {
        return request("PUT", pathMatcher);
    }

    /**
     * {@code PATCH} requests to exactly {@code path}.
     *
     * @param path the path to match exactly, before {@code ?} and not decoded
     * @return a new pattern
     */
    public static RequestPattern patch(String path) {
        return request("PATCH", path);
    }

    /**
     * {@code PATCH} requests whose path {@code pathMatcher} matches.
     *
     * @param pathMatcher the matcher the request's path must satisfy
     * @return a new pattern
     */
    public static RequestPattern patch(RequestMatcher pathMatcher) {
        return request("PATCH", pathMatcher);
    }

    /**
     * {@code DELETE} requests to exactly {@code path}.
     *
     * @param path the path to match exactly, before {@code ?} and not decoded
     * @return a new pattern
     */
    public static RequestPattern delete(String path) {
        return request("DELETE", path);
    }

    /**
     * {@code DELETE} requests whose path {@code pathMatcher} matches.
     *
     * @param pathMatcher the matcher the request's path must satisfy
     * @return a new pattern
     */
    public static RequestPattern delete(RequestMatcher pathMatcher) {
        return request("DELETE", pathMatcher);
    }

    /**
     * {@code HEAD} requests to exactly {@code path}.
     *
     * @param path the path to match exactly, before {@code ?} and not decoded
     * @return a new pattern
     */
    public static RequestPattern head(String path) {
        return request("HEAD", path);
    }

    /**
     * {@code OPTIONS} requests to exactly {@code path}.
     *
     * @param path the path to match exactly, before {@code ?} and not decoded
     * @return a new pattern
     */
    public static RequestPattern options(String path) {
        return request("OPTIONS", path);
    }

    /**
     * Requests with any method to exactly {@code path}.
     *
     * @param path the path to match exactly, before {@code ?} and not decoded
     * @return a new pattern
     */
    public static RequestPattern anyMethod(String path) {
        return new RequestPattern("any method " + path, List.of(RequestMatchers.path(path)));
    }

    /**
     * Requests with any method whose path {@code pathMatcher} matches.
     *
     * @param pathMatcher the matcher the request's path must satisfy
     * @return a new pattern
     */
    public static RequestPattern anyMethod(RequestMatcher pathMatcher) {
        return new RequestPattern("any method, " + pathMatcher.describe(), List.of(pathMatcher));
    }

    /**
     * Requests with exactly {@code method} (case-sensitive) to exactly {@code path}.
     *
     * @param method the method token, such as {@code GET}
     * @param path the path to match exactly, before {@code ?} and not decoded
     * @return a new pattern
     */
    public static RequestPattern request(String method, String path) {
        return new RequestPattern(method + " " + path, List.of(RequestMatchers.method(method),
                RequestMatchers.path(path)));
    }

    /**
     * Requests with exactly {@code method} whose path {@code pathMatcher} matches.
     *
     * @param method the method token, such as {@code GET}
     * @param pathMatcher the matcher the request's path must satisfy
     * @return a new pattern
     */
    public static RequestPattern request(String method, RequestMatcher pathMatcher) {
        return new RequestPattern(method + " " + pathMatcher.describe(), List.of(RequestMatchers.method(method),
                pathMatcher));
    }

    /**
     * Every request, to narrow with {@code with...}: {@code anyRequest().withHeader("X-Debug", "1")}.
     *
     * @return a new pattern that matches every request
     */
    public static RequestPattern anyRequest() {
        return new RequestPattern("any request", List.of());
    }

    /**
     * This pattern, also requiring query parameter {@code name} to equal {@code value} (both decoded).
     *
     * @param name the parameter name, decoded
     * @param value the expected value, decoded
     * @return a new pattern with the added condition
     */
    public RequestPattern withQueryParam(String name, String value) {
        return and(RequestMatchers.queryParam(name, value));
    }

    /**
     * This pattern, also requiring a query parameter {@code name}.
     *
     * @param name the parameter name, decoded
     * @return a new pattern with the added condition
     */
    public RequestPattern withQueryParamPresent(String name) {
        return and(RequestMatchers.queryParamPresent(name));
    }

    /**
     * This pattern, also requiring a header field {@code name} (any case) equal to {@code value}.
     *
     * @param name the field name, compared ignoring case
     * @param value the expected value
     * @return a new pattern with the added condition
     */
    public RequestPattern withHeader(String name, String value) {
        return and(RequestMatchers.header(name, value));
    }

    /**
     * This pattern, also requiring a header field {@code name}.
     *
     * @param name the field name, compared ignoring case
     * @return a new pattern with the added condition
     */
    public RequestPattern withHeaderPresent(String name) {
        return and(RequestMatchers.headerPresent(name));
    }

    /**
     * This pattern, also requiring a header field {@code name} whose whole value matches {@code regex}.
     *
     * @param name the field name, compared ignoring case
     * @param regex a {@link java.util.regex.Pattern} the whole value must match
     * @return a new pattern with the added condition
     */
    public RequestPattern withHeaderMatching(String name, String regex) {
        return and(RequestMatchers.headerMatching(name, regex));
    }

    /**
     * This pattern, also requiring the body, as UTF-8, to be exactly {@code body}.
     *
     * @param body the expected body text
     * @return a new pattern with the added condition
     */
    public RequestPattern withBody(String body) {
        return and(RequestMatchers.body(body));
    }

    /**
     * This pattern, also requiring the body, as UTF-8, to contain {@code text}.
     *
     * @param text the text the body must contain
     * @return a new pattern with the added condition
     */
    public RequestPattern withBodyContaining(String text) {
        return and(RequestMatchers.bodyContaining(text));
    }

    /**
     * This pattern, also requiring the body to be JSON equal to {@code json}, ignoring whitespace and member
     * order.
     *
     * @param json the expected JSON document
     * @return a new pattern with the added condition
     * @throws IllegalArgumentException when {@code json} is not JSON
     */
    public RequestPattern withJsonBody(String json) {
        return and(RequestMatchers.jsonBody(json));
    }

    /** This pattern, also requiring {@code other}. */
    @Override
    public RequestPattern and(RequestMatcher other) {
        List<RequestMatcher> more = new ArrayList<>(parts);
        more.addAll(RequestMatchers.parts(Objects.requireNonNull(other, "other")));
        return new RequestPattern(head, more);
    }

    /**
     * A stub that answers requests this pattern matches with {@code response}.
     *
     * @param response the response to answer with
     * @return a new stub, not yet registered
     */
    public Stub willReturn(Response response) {
        return Stub.of(this, response);
    }

    /**
     * A stub that answers requests this pattern matches with {@code response.build()}.
     *
     * @param response the builder of the response to answer with; built once, now
     * @return a new stub, not yet registered
     */
    public Stub willReturn(Response.Builder response) {
        return willReturn(response.build());
    }

    @Override
    public boolean matches(RecordedRequest request) {
        for (RequestMatcher part : parts) {
            if (!part.matches(request)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<String> mismatches(RecordedRequest request) {
        List<String> all = new ArrayList<>();
        for (RequestMatcher part : parts) {
            all.addAll(part.mismatches(request));
        }
        return all;
    }

    /** Such as {@code GET /api/users with header Accept = "application/json"}. */
    @Override
    public String describe() {
        // The method and path are said once in the head; the rest are listed after "with".
        int skip = head.equals("any request") ? 0 : head.startsWith("any method") ? 1 : 2;
        if (parts.size() <= skip) {
            return head;
        }
        return head + " with " + parts.subList(skip, parts.size()).stream().map(RequestMatcher::describe)
                .collect(Collectors.joining(", "));
    }

    @Override
    public boolean needsBody() {
        return needsBody;
    }

    /** The conditions of this pattern, in order; for the stub registry, which splits head from body. */
    List<RequestMatcher> parts() {
        return parts;
    }

    @Override
    public String toString() {
        return describe();
    }
}
