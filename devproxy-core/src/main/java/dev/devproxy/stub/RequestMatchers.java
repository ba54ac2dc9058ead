package dev.devproxy.stub;

import dev.devproxy.RecordedRequest;
import dev.devproxy.internal.stub.BodyScan;
import dev.devproxy.internal.stub.Json;
import dev.devproxy.internal.stub.MatcherForm;
import dev.devproxy.internal.stub.Text;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Request matchers, one condition each, that describe themselves and explain mismatches. Combine them with
 * {@link RequestMatcher#and} or {@link #allOf}, or use the fluent {@link RequestPattern}. Every matcher made
 * here is immutable and thread-safe; those on the head ({@code needsBody() == false}) let unmatched traffic
 * stream.
 *
 * <p>Paths and queries are compared as sent, before percent-decoding, except query parameter names and
 * values, which are decoded ({@code +} as space). Header names ignore case; header values, methods and
 * paths do not. Regular expressions must match the whole value.
 *
 * <p>Long because it is a catalog: each factory is a few lines and its Javadoc, kept in the one class that
 * test code imports them from.
 */
public final class RequestMatchers {
    private static final RequestMatcher ANY = new Condition("any request", false, null) {
        @Override
        @Nullable String mismatch(RecordedRequest request) {
            return null;
        }
    };

    private RequestMatchers() {
    }

    /**
     * Matches every request.
     *
     * @return a matcher that matches every request
     */
    public static RequestMatcher anyRequest() {
        return ANY;
    }

    /**
     * Matches requests whose method is exactly {@code method}, such as {@code GET} (case-sensitive).
     *
     * @param method the method token, such as {@code GET}
     * @return a new matcher
     */
    public static RequestMatcher method(String method) {
        Objects.requireNonNull(method, "method");
        return new Condition(method, false, MatcherForm.of(MatcherForm.Kind.METHOD, method)) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                return request.method().equals(method) ? null
                        : "method: expected " + method + " but was " + request.method();
            }

            @Override
            Aspect aspect() {
                return Aspect.METHOD;
            }
        };
    }

    /**
     * Matches requests whose path (the target before {@code ?}, not decoded) is exactly {@code path}.
     *
     * @param path the path, starting with {@code /} (or {@code *} alone)
     * @return a new matcher
     * @throws IllegalArgumentException when {@code path} neither starts with {@code /} nor is {@code *}
     */
    public static RequestMatcher path(String path) {
        requirePath(path);
        return new Condition("path " + Text.quote(path), false, MatcherForm.of(MatcherForm.Kind.PATH, path)) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                return request.path().equals(path) ? null : "path: expected " + Text.quote(path) + " but was "
                        + Text.quote(request.path());
            }

            @Override
            Aspect aspect() {
                return Aspect.PATH;
            }

            @Override
            double distance(RecordedRequest request) {
                return editDistance(path, request.path());
            }
        };
    }

    /**
     * Matches requests whose path starts with {@code prefix}; {@code /api/} matches {@code /api/users}.
     *
     * @param prefix the prefix, starting with {@code /} (or {@code *} alone)
     * @return a new matcher
     * @throws IllegalArgumentException when {@code prefix} neither starts with {@code /} nor is {@code *}
     */
    public static RequestMatcher pathStartingWith(String prefix) {
        requirePath(prefix);
        return new Condition("path starting with " + Text.quote(prefix), false,
                MatcherForm.of(MatcherForm.Kind.PATH_PREFIX, prefix)) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                return request.path().startsWith(prefix) ? null : "path: expected to start with "
                        + Text.quote(prefix) + " but was " + Text.quote(request.path());
            }

            @Override
            Aspect aspect() {
                return Aspect.PATH;
            }

            @Override
            double distance(RecordedRequest request) {
                String path = request.path();
                return editDistance(prefix, path.substring(0, Math.min(path.length(), prefix.length())));
            }
        };
    }

    /**
     * Matches requests whose path matches the glob {@code glob}: {@code *} is any run of characters within a
     * segment, {@code **} any run across segments, {@code ?} one character other than {@code /}. So
     * {@code /users/*} matches {@code /users/42} but not {@code /users/42/orders}; {@code /static/**} matches
     * both levels.
     *
     * @param glob the glob, starting with {@code /} (or {@code *} alone)
     * @return a new matcher
     * @throws IllegalArgumentException when {@code glob} neither starts with {@code /} nor is {@code *}
     */
    public static RequestMatcher pathGlob(String glob) {
        requirePath(glob);
        Pattern pattern = Pattern.compile(globToRegex(glob));
        return new Condition("path matching glob " + Text.quote(glob), false,
                MatcherForm.of(MatcherForm.Kind.PATH_GLOB, glob)) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                return pattern.matcher(request.path()).matches() ? null
                        : "path: expected to match glob " + Text.quote(glob) + " but was " + Text.quote(request.path());
            }

            @Override
            Aspect aspect() {
                return Aspect.PATH;
            }
        };
    }

    /**
     * Matches requests whose whole path matches the regular expression {@code regex}.
     *
     * @param regex a {@link Pattern} the whole path must match
     * @return a new matcher
     * @throws java.util.regex.PatternSyntaxException when {@code regex} is not a valid expression
     */
    public static RequestMatcher pathMatching(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return new Condition("path matching regex \"" + regex + "\"", false,
                MatcherForm.of(MatcherForm.Kind.PATH_REGEX, regex)) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                return pattern.matcher(request.path()).matches() ? null
                        : "path: expected to match regex \"" + regex + "\" but was " + Text.quote(request.path());
            }

            @Override
            Aspect aspect() {
                return Aspect.PATH;
            }
        };
    }

    /**
     * Matches requests with a query parameter {@code name} equal to {@code value}, both compared decoded.
     *
     * @param name the parameter name, decoded
     * @param value the expected value, decoded
     * @return a new matcher
     */
    public static RequestMatcher queryParam(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        return new Condition("query parameter " + name + " = " + Text.quote(value), false,
                new MatcherForm(MatcherForm.Kind.QUERY_EQUALS, name, value)) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                List<String> values = queryValues(request.query(), name);
                if (values.contains(value)) {
                    return null;
                }
                return "query parameter " + name + ": expected " + Text.quote(value) + " but was "
                        + (values.isEmpty() ? "absent" + queryNote(request) : Text.quoteAll(values));
            }
        };
    }

    /**
     * Matches requests with a query parameter {@code name}, with any value or none.
     *
     * @param name the parameter name, decoded
     * @return a new matcher
     */
    public static RequestMatcher queryParamPresent(String name) {
        Objects.requireNonNull(name, "name");
        return new Condition("query parameter " + name + " present", false,
                new MatcherForm(MatcherForm.Kind.QUERY_PRESENT, name, "")) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                return queryValues(request.query(), name).isEmpty()
                        ? "query parameter " + name + ": expected present but was absent" + queryNote(request)
                        : null;
            }
        };
    }

    /**
     * Matches requests with a header field {@code name} (any case) whose value is exactly {@code value}.
     *
     * @param name the field name, compared ignoring case
     * @param value the expected value
     * @return a new matcher
     */
    public static RequestMatcher header(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        return new Condition("header " + name + " = " + Text.quote(value), false,
                new MatcherForm(MatcherForm.Kind.HEADER_EQUALS, name, value)) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                List<String> values = request.headers(name);
                return values.contains(value) ? null : "header " + name + ": expected " + Text.quote(value)
                        + " but was " + (values.isEmpty() ? "absent" : Text.quoteAll(values));
            }
        };
    }

    /**
     * Matches requests with at least one header field {@code name} (any case).
     *
     * @param name the field name, compared ignoring case
     * @return a new matcher
     */
    public static RequestMatcher headerPresent(String name) {
        Objects.requireNonNull(name, "name");
        return new Condition("header " + name + " present", false,
                new MatcherForm(MatcherForm.Kind.HEADER_PRESENT, name, "")) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                return request.header(name) != null ? null : "header " + name + ": expected present but was absent";
            }
        };
    }

    /**
     * Matches requests with a header field {@code name} (any case) whose whole value matches {@code regex}.
     *
     * @param name the field name, compared ignoring case
     * @param regex a {@link Pattern} the whole value must match
     * @return a new matcher
     * @throws java.util.regex.PatternSyntaxException when {@code regex} is not a valid expression
     */
    public static RequestMatcher headerMatching(String name, String regex) {
        Objects.requireNonNull(name, "name");
        Pattern pattern = Pattern.compile(regex);
        return new Condition("header " + name + " matching regex \"" + regex + "\"", false,
                new MatcherForm(MatcherForm.Kind.HEADER_MATCHING, name, regex)) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                List<String> values = request.headers(name);
                for (String value : values) {
                    if (pattern.matcher(value).matches()) {
                        return null;
                    }
                }
                return "header " + name + ": expected to match regex \"" + regex + "\" but was "
                        + (values.isEmpty() ? "absent" : Text.quoteAll(values));
            }
        };
    }

    /**
     * Matches requests whose body, decoded as UTF-8, is exactly {@code body}. The body's bytes are compared
     * with {@code body}'s UTF-8 encoding as they stream in, with no copy and no decoding, so stubs match bodies of
     * any size up to {@code maxBodySize} with it, however small {@code maxMatchBodySize} is.
     *
     * @param body the expected body text
     * @return a new matcher
     */
    public static RequestMatcher body(String body) {
        Objects.requireNonNull(body, "body");
        byte[] expected = body.getBytes(StandardCharsets.UTF_8);
        return new StreamingCondition("body " + Text.preview(body), MatcherForm.of(MatcherForm.Kind.BODY_EQUALS, body)) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                return !request.bodyTruncated() && Arrays.equals(request.body(), expected) ? null : failure(request);
            }

            @Override
            String failure(RecordedRequest request) {
                return "body: expected " + Text.preview(body) + " but was " + Text.body(request);
            }

            @Override
            BodyScan scan() {
                return BodyScan.equalTo(expected);
            }
        };
    }

    /**
     * Matches requests whose body is exactly these bytes (copied); compared as they stream in, as
     * {@link #body(String)} is.
     *
     * @param body the expected body bytes; copied, so later changes to the array do not count
     * @return a new matcher
     */
    public static RequestMatcher body(byte[] body) {
        byte[] expected = body.clone();
        return new StreamingCondition("body of " + expected.length + " bytes",
                MatcherForm.of(MatcherForm.Kind.BODY_BYTES, java.util.Base64.getEncoder().encodeToString(expected))) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                return Arrays.equals(request.body(), expected) && !request.bodyTruncated() ? null : failure(request);
            }

            @Override
            String failure(RecordedRequest request) {
                return "body: expected " + expected.length + " given bytes but was " + Text.body(request);
            }

            @Override
            BodyScan scan() {
                return BodyScan.equalTo(expected);
            }
        };
    }

    /**
     * Matches requests whose body, decoded as UTF-8, contains {@code text}. The body's bytes are searched for
     * {@code text}'s UTF-8 encoding as they stream in (UTF-8 is self-synchronising, so a match of bytes is a
     * match of text; invalid bytes in the body never match part of valid text), with no copy and no decoding,
     * so stubs match bodies of any size up to {@code maxBodySize} with it, however small
     * {@code maxMatchBodySize} is.
     *
     * @param text the text the body must contain
     * @return a new matcher
     */
    public static RequestMatcher bodyContaining(String text) {
        Objects.requireNonNull(text, "text");
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        return new StreamingCondition("body containing " + Text.preview(text),
                MatcherForm.of(MatcherForm.Kind.BODY_CONTAINING, text)) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                return Text.indexOf(request.body(), needle) >= 0 ? null : failure(request);
            }

            @Override
            String failure(RecordedRequest request) {
                return "body: expected to contain " + Text.preview(text) + " but was " + Text.body(request);
            }

            @Override
            BodyScan scan() {
                return BodyScan.containing(needle);
            }
        };
    }

    /**
     * Matches requests whose body is JSON equal to {@code json}, ignoring whitespace and the order of object
     * members; array order counts, and numbers compare by value ({@code 1.0} equals {@code 1}). A mismatch
     * names the first differing place, such as {@code $.user.name}.
     *
     * @param json the expected JSON document
     * @return a new matcher
     * @throws IllegalArgumentException when {@code json} is not JSON, with the offset of the problem
     */
    public static RequestMatcher jsonBody(String json) {
        Object expected = Json.parse(json);
        String compact = Json.write(expected);
        return new Condition("JSON body " + Text.cut(compact), true, MatcherForm.of(MatcherForm.Kind.BODY_JSON, json)) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                Object actual;
                try {
                    actual = Json.parse(request.bodyAsString());
                } catch (IllegalArgumentException e) {
                    return "body: expected JSON " + Text.cut(compact) + " but was " + e.getMessage() + ": "
                            + Text.body(request);
                }
                String difference = Json.firstDifference(expected, actual);
                return difference == null ? null : "JSON body " + difference;
            }
        };
    }

    /**
     * A matcher from a predicate, described as {@code description} in failure messages.
     *
     * @param description what the predicate checks, for failure messages
     * @param needsBody whether {@code predicate} reads the body; see {@link RequestMatcher#needsBody()}
     * @param predicate the test; true when the request matches
     * @return a new matcher
     */
    public static RequestMatcher matching(String description, boolean needsBody, Predicate<RecordedRequest> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return new Condition(description, needsBody, null) {
            @Override
            @Nullable String mismatch(RecordedRequest request) {
                return predicate.test(request) ? null : "not " + description;
            }
        };
    }

    /**
     * Matches requests that every one of {@code matchers} matches; mismatches of each are reported.
     *
     * @param matchers the matchers to combine
     * @return a matcher that matches when all of {@code matchers} do
     */
    public static RequestMatcher allOf(RequestMatcher... matchers) {
        List<RequestMatcher> flat = new ArrayList<>();
        for (RequestMatcher matcher : matchers) {
            Objects.requireNonNull(matcher, "matcher");
            if (matcher instanceof AllOf all) {
                flat.addAll(all.parts);
            } else if (matcher instanceof RequestPattern pattern) {
                flat.addAll(pattern.parts());
            } else if (matcher != ANY) {
                flat.add(matcher);
            }
        }
        if (flat.size() == 1) {
            return flat.get(0);
        }
        return flat.isEmpty() ? ANY : new AllOf(List.copyOf(flat));
    }

    /** The conditions {@code matcher} is made of: its parts when built with {@link #allOf}, else itself. */
    static List<RequestMatcher> parts(RequestMatcher matcher) {
        if (matcher instanceof AllOf all) {
            return all.parts;
        }
        if (matcher instanceof RequestPattern pattern) {
            return pattern.parts();
        }
        return matcher == ANY ? List.of() : List.of(matcher);
    }

    // ---- Implementation -------------------------------------------------------------------------------------

    /** What a condition is about, for ranking near misses: the method first, then the path, then the rest. */
    enum Aspect { METHOD, PATH, OTHER }

    /** The aspect of one condition of a stub, as split by {@link #parts}. */
    static Aspect aspect(RequestMatcher part) {
        return part instanceof Condition condition ? condition.aspect() : Aspect.OTHER;
    }

    /**
     * How far {@code request} is from meeting {@code part}: 0 when it does, up to 1 when nowhere near. Exact
     * and prefix paths measure it by edit distance; other conditions are met or not.
     */
    static double distance(RequestMatcher part, RecordedRequest request) {
        if (part instanceof Condition condition) {
            return condition.distance(request);
        }
        return part.matches(request) ? 0 : 1;
    }

    /** Paths longer than this are compared on their first this many characters, to bound the work per stub. */
    private static final int MAX_COMPARED = 256;

    /**
     * The Levenshtein distance of {@code a} and {@code b} over the longer one's length: 0 when equal, a small
     * fraction for a typo or a dropped segment, near 1 for unrelated paths.
     */
    static double editDistance(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        String x = a.length() > MAX_COMPARED ? a.substring(0, MAX_COMPARED) : a;
        String y = b.length() > MAX_COMPARED ? b.substring(0, MAX_COMPARED) : b;
        int[] previous = new int[y.length() + 1];
        int[] current = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int substitute = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return Math.max(1e-3, (double) previous[y.length()] / Math.max(x.length(), y.length()));
    }

    /** One condition: a description, whether it reads the body, and the mismatch it finds, if any. */
    private abstract static class Condition implements RequestMatcher, MatcherForm.Carrier {
        private final String description;
        private final boolean needsBody;
        private final @Nullable MatcherForm form;

        /** @param form the factory and arguments, for the JSON form; null for a predicate's */
        Condition(String description, boolean needsBody, @Nullable MatcherForm form) {
            this.description = description;
            this.needsBody = needsBody;
            this.form = form;
        }

        @Override
        public final @Nullable MatcherForm form() {
            return form;
        }

        /** Why the request does not match, or null when it does. */
        abstract @Nullable String mismatch(RecordedRequest request);

        /** What this condition is about, for ranking near misses. */
        Aspect aspect() {
            return Aspect.OTHER;
        }

        /** How far the request is from meeting this condition, 0 (it does) to 1; see {@link #distance}. */
        double distance(RecordedRequest request) {
            return matches(request) ? 0 : 1;
        }

        @Override
        public final boolean matches(RecordedRequest request) {
            return mismatch(request) == null;
        }

        @Override
        public final List<String> mismatches(RecordedRequest request) {
            String mismatch = mismatch(request);
            return mismatch == null ? List.of() : List.of(mismatch);
        }

        @Override
        public final String describe() {
            return description;
        }

        @Override
        public final boolean needsBody() {
            return needsBody;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /**
     * A body condition that can also read the body as it streams: stubs feed a {@link #scan()} per request
     * and never need the body held for it.
     */
    abstract static class StreamingCondition extends Condition {
        StreamingCondition(String description, MatcherForm form) {
            super(description, true, form);
        }

        /** A fresh pass over one request's body. */
        abstract BodyScan scan();

        /** Why {@code request} does not match, when a scan said it does not. */
        abstract String failure(RecordedRequest request);
    }

    /** A scan for {@code part} of a stub, or null when it reads the held body instead. */
    static @Nullable BodyScan scan(RequestMatcher part) {
        return part instanceof StreamingCondition streaming ? streaming.scan() : null;
    }

    /** Why {@code request} does not match {@code part}, a condition whose {@link #scan} said it does not. */
    static String scanFailure(RequestMatcher part, RecordedRequest request) {
        return ((StreamingCondition) part).failure(request);
    }

    /** See {@link #allOf}. */
    private static final class AllOf implements RequestMatcher, MatcherForm.Composite {
        final List<RequestMatcher> parts;
        private final boolean needsBody;

        AllOf(List<RequestMatcher> parts) {
            this.parts = parts;
            this.needsBody = parts.stream().anyMatch(RequestMatcher::needsBody);
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

        @Override
        public List<RequestMatcher> parts() {
            return parts;
        }

        @Override
        public String describe() {
            return parts.stream().map(RequestMatcher::describe).collect(Collectors.joining(", "));
        }

        @Override
        public boolean needsBody() {
            return needsBody;
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    private static void requirePath(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") && !path.equals("*")) {
            throw new IllegalArgumentException("a path starts with '/', was " + Text.quote(path)
                    + "; for the query use queryParam(...)");
        }
    }

    static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c != '*' && c != '?') {
                literal.append(c);
                continue;
            }
            if (literal.length() > 0) {
                regex.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
            }
            if (c == '?') {
                regex.append("[^/]");
            } else if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else {
                regex.append("[^/]*");
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return regex.toString();
    }

    /** The decoded values of query parameter {@code name}; a parameter without {@code =} has value "". */
    static List<String> queryValues(@Nullable String query, String name) {
        if (query == null || query.isEmpty()) {
            return List.of();
        }
        List<String> values = new ArrayList<>(1);
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            int equals = query.indexOf('=', start);
            boolean hasValue = equals >= 0 && equals < end;
            String key = decode(query.substring(start, hasValue ? equals : end));
            if (key.equals(name)) {
                values.add(hasValue ? decode(query.substring(equals + 1, end)) : "");
            }
            start = end + 1;
        }
        return values;
    }

    private static String decode(String text) {
        if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
            return text;
        }
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text; // a stray '%': compare as sent
        }
    }

    private static String queryNote(RecordedRequest request) {
        String query = request.query();
        return query == null ? " (no query)" : " (query " + Text.quote(query) + ")";
    }
}
