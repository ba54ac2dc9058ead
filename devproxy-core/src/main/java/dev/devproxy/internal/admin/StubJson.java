package dev.devproxy.internal.admin;

import dev.devproxy.Fault;
import dev.devproxy.Response;
import dev.devproxy.internal.stub.Json;
import dev.devproxy.internal.stub.MatcherForm;
import dev.devproxy.stub.RequestMatcher;
import dev.devproxy.stub.RequestMatchers;
import dev.devproxy.stub.RequestPattern;
import dev.devproxy.stub.Stub;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of stubs, request patterns and responses: one shape, read by the admin API and written by its
 * Java client, so that a stub written in JSON means what its Java form means. Every built-in matcher of
 * {@link RequestMatchers} has a form (the README's "Admin API" section lists them); a custom one has none and
 * is refused by name. Values are those of {@link Json}: maps, lists, strings, {@link BigDecimal}s, booleans.
 * This class writes the forms; {@link StubJsonReader} reads them back.
 *
 * <pre>{@code
 * {"name": "users", "times": 2,
 *  "request": {"method": "GET", "path": "/api/users",
 *              "queryParams": [{"name": "page", "equalTo": "1"}],
 *              "headers": [{"name": "Accept", "equalTo": "application/json"}],
 *              "body": [{"contains": "x"}]},
 *  "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": "[]",
 *               "delayMs": 100, "fault": {"type": "dribbleBody", "bytesPerSecond": 10}}}
 * }</pre>
 */
public final class StubJson {
    /** The keys of a request pattern naming its path, one at most, with the factory each stands for. */
    static final Map<String, MatcherForm.Kind> PATH_KEYS = Map.of("path", MatcherForm.Kind.PATH,
            "pathStartingWith", MatcherForm.Kind.PATH_PREFIX, "pathGlob", MatcherForm.Kind.PATH_GLOB,
            "pathMatching", MatcherForm.Kind.PATH_REGEX);

    private StubJson() {
    }

    // ---- Writing ---------------------------------------------------------------------------------------------

    /**
     * The JSON form of {@code stub}.
     *
     * @throws IllegalArgumentException naming the first matcher with no JSON form (a custom one)
     */
    public static Map<String, Object> write(Stub stub) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (stub.name() != null) {
            out.put("name", stub.name());
        }
        out.put("request", writePattern(stub.matcher()));
        List<Object> responses = new ArrayList<>();
        for (Response response : stub.responses()) {
            responses.add(writeResponse(response));
        }
        out.put("responses", responses);
        if (stub.maxUses() != Stub.UNLIMITED) {
            out.put("times", stub.maxUses());
        }
        return out;
    }

    /**
     * The JSON form of a request pattern: its conditions, each by the factory that made it.
     *
     * @throws IllegalArgumentException naming the first matcher with no JSON form, or when the pattern has two
     *     methods or two path conditions (JSON gives each once)
     */
    public static Map<String, Object> writePattern(RequestMatcher matcher) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Object> query = new ArrayList<>();
        List<Object> headers = new ArrayList<>();
        List<Object> body = new ArrayList<>();
        for (RequestMatcher part : parts(matcher)) {
            MatcherForm form = part instanceof MatcherForm.Carrier carrier ? carrier.form() : null;
            if (form == null) {
                throw new IllegalArgumentException("the matcher \"" + part.describe() + "\" has no JSON form: only"
                        + " the built-in matchers of RequestMatchers and RequestPattern can be sent to a DevProxy;"
                        + " a custom matcher (a lambda, RequestMatchers.matching, a class of its own) cannot");
            }
            switch (form.kind()) {
                case METHOD -> putOnce(out, "method", form.value(), part);
                case PATH, PATH_PREFIX, PATH_GLOB, PATH_REGEX -> {
                    for (String key : PATH_KEYS.keySet()) {
                        if (out.containsKey(key)) {
                            throw new IllegalArgumentException("the pattern has two path conditions (" + part.describe()
                                    + " is the second); its JSON form takes one");
                        }
                    }
                    out.put(pathKey(form.kind()), form.value());
                }
                case QUERY_EQUALS -> query.add(named(form.name(), "equalTo", form.value()));
                case QUERY_PRESENT -> query.add(named(form.name(), "present", Boolean.TRUE));
                case HEADER_EQUALS -> headers.add(named(form.name(), "equalTo", form.value()));
                case HEADER_PRESENT -> headers.add(named(form.name(), "present", Boolean.TRUE));
                case HEADER_MATCHING -> headers.add(named(form.name(), "matches", form.value()));
                case BODY_EQUALS -> body.add(Map.of("equalTo", form.value()));
                case BODY_BYTES -> body.add(Map.of("base64", form.value()));
                case BODY_CONTAINING -> body.add(Map.of("contains", form.value()));
                case BODY_JSON -> body.add(Map.of("json", Json.parse(form.value())));
            }
        }
        if (!query.isEmpty()) {
            out.put("queryParams", query);
        }
        if (!headers.isEmpty()) {
            out.put("headers", headers);
        }
        if (!body.isEmpty()) {
            out.put("body", body);
        }
        return out;
    }

    /** The JSON form of {@code response}; the body as text when it is UTF-8, else in base64. */
    public static Map<String, Object> writeResponse(Response response) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", response.status());
        if (!response.headers().isEmpty()) {
            out.put("headers", writeHeaders(response.headers()));
        }
        byte[] body = response.body();
        if (body.length > 0) {
            String text = utf8(body);
            if (text != null) {
                out.put("body", text);
            } else {
                out.put("base64Body", Base64.getEncoder().encodeToString(body));
            }
        }
        if (!response.maxDelay().isZero()) {
            out.put("delayMs", millis(response.minDelay()));
            if (!response.maxDelay().equals(response.minDelay())) {
                out.put("maxDelayMs", millis(response.maxDelay()));
            }
        }
        Fault fault = response.fault();
        if (fault != null) {
            Map<String, Object> faultJson = new LinkedHashMap<>();
            faultJson.put("type", faultType(fault));
            if (fault instanceof Fault.DribbleBody dribble) {
                faultJson.put("bytesPerSecond", dribble.bytesPerSecond());
            }
            out.put("fault", faultJson);
        }
        return out;
    }

    /** Header fields as an object: each name once, with a string, or an array when the name repeats. */
    static Map<String, Object> writeHeaders(List<Map.Entry<String, String>> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> field : fields) {
            Object before = out.get(field.getKey());
            if (before == null) {
                out.put(field.getKey(), field.getValue());
            } else {
                List<Object> values = new ArrayList<>();
                if (before instanceof List<?> list) {
                    values.addAll(list);
                } else {
                    values.add(before);
                }
                values.add(field.getValue());
                out.put(field.getKey(), values);
            }
        }
        return out;
    }

    /** The text of {@code bytes} when they are valid UTF-8, else null. */
    static @Nullable String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A duration in milliseconds, exact: fractions of a millisecond as decimals. */
    static BigDecimal millis(Duration duration) {
        return plain(BigDecimal.valueOf(duration.toNanos()).movePointLeft(6));
    }

    /** {@code number} without trailing zeros and without an exponent: 50, not 5E+1; 0.5, not 0.500000. */
    static BigDecimal plain(BigDecimal number) {
        BigDecimal stripped = number.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    private static String faultType(Fault fault) {
        if (fault instanceof Fault.DribbleBody) {
            return "dribbleBody";
        }
        if (fault instanceof Fault.CloseWithoutResponse) {
            return "closeWithoutResponse";
        }
        return fault instanceof Fault.ResetConnection ? "resetConnection" : "malformedResponse";
    }

    private static String pathKey(MatcherForm.Kind kind) {
        for (Map.Entry<String, MatcherForm.Kind> entry : PATH_KEYS.entrySet()) {
            if (entry.getValue() == kind) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException(kind.toString());
    }

    private static void putOnce(Map<String, Object> out, String key, String value, RequestMatcher part) {
        if (out.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("the pattern has two " + key + " conditions (" + part.describe()
                    + " is the second); its JSON form takes one");
        }
    }

    private static Map<String, Object> named(String name, String key, Object value) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put(key, value);
        return out;
    }

    /** The conditions of {@code matcher}, as stubs split them. */
    private static List<RequestMatcher> parts(RequestMatcher matcher) {
        RequestMatcher all = RequestMatchers.allOf(matcher);
        if (all == RequestMatchers.anyRequest()) {
            return List.of();
        }
        return all instanceof MatcherForm.Composite composite ? composite.parts() : List.of(all);
    }
}
