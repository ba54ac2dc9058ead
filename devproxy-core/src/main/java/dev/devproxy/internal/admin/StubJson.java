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
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of stubs, request patterns and responses: one shape, read by the admin API and written by its
 * Java client, so that a stub written in JSON means what its Java form means. Every built-in matcher of
 * {@link RequestMatchers} has a form (the README's "Admin API" section lists them); a custom one has none and
 * is refused by name. Values are those of {@link Json}: maps, lists, strings, {@link BigDecimal}s, booleans.
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
    private static final Map<String, MatcherForm.Kind> PATH_KEYS = Map.of("path", MatcherForm.Kind.PATH,
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

    // ---- Reading ---------------------------------------------------------------------------------------------

    /**
     * The stub {@code json} describes.
     *
     * @throws IllegalArgumentException (an {@link AdminException}) naming the field at fault
     */
    public static Stub readStub(Object json) {
        JsonObject stub = JsonObject.of(json, "");
        String name = stub.string("name");
        JsonObject request = stub.object("request");
        RequestMatcher matcher = request == null ? RequestPattern.anyRequest() : readPattern(request);
        List<Response> responses = new ArrayList<>();
        boolean one = stub.has("response");
        boolean many = stub.has("responses");
        if (one && many) {
            throw AdminException.badField("responses", "give response or responses, not both");
        }
        if (one) {
            responses.add(readResponse(JsonObject.of(stub.value("response"), "response")));
        } else if (many) {
            List<Object> list = stub.array("responses");
            if (list == null || list.isEmpty()) {
                throw AdminException.badField("responses", "needs at least one response");
            }
            for (int i = 0; i < list.size(); i++) {
                responses.add(readResponse(JsonObject.of(list.get(i), "responses[" + i + "]")));
            }
        } else {
            throw AdminException.badField("response", "required: the response the stub answers with");
        }
        Long times = stub.whole("times", 1, Integer.MAX_VALUE);
        stub.done();
        return new Stub(matcher, responses, times == null ? Stub.UNLIMITED : times.intValue(), name);
    }

    /**
     * The request pattern {@code json} describes.
     *
     * @param path where {@code json} is in the document, for errors, such as {@code request}
     * @throws IllegalArgumentException (an {@link AdminException}) naming the field at fault
     */
    public static RequestPattern readPattern(Object json, String path) {
        return readPattern(JsonObject.of(json, path));
    }

    private static RequestPattern readPattern(JsonObject request) {
        String method = request.string("method");
        if (method != null && (method.isEmpty() || !method.chars().allMatch(StubJson::isTokenChar))) {
            throw AdminException.badField(request.pathOf("method"), "not a method token: \"" + method + "\"");
        }
        RequestMatcher pathMatcher = null;
        String pathKey = null;
        for (String key : List.of("path", "pathStartingWith", "pathGlob", "pathMatching")) {
            String value = request.string(key);
            if (value == null) {
                continue;
            }
            if (pathMatcher != null) {
                throw AdminException.badField(request.pathOf(key), "give one of path, pathStartingWith, pathGlob"
                        + " and pathMatching; " + pathKey + " is given too");
            }
            pathKey = key;
            pathMatcher = guard(request.pathOf(key), () -> switch (key) {
                case "path" -> RequestMatchers.path(value);
                case "pathStartingWith" -> RequestMatchers.pathStartingWith(value);
                case "pathGlob" -> RequestMatchers.pathGlob(value);
                default -> RequestMatchers.pathMatching(value);
            });
        }
        RequestPattern pattern;
        String exactPath = "path".equals(pathKey) ? request.string("path") : null;
        if (method != null && exactPath != null) {
            pattern = RequestPattern.request(method, exactPath); // as get("/x") says it: GET /x
        } else if (exactPath != null) {
            pattern = RequestPattern.anyMethod(exactPath);
        } else if (method != null && pathMatcher != null) {
            pattern = RequestPattern.request(method, pathMatcher);
        } else if (pathMatcher != null) {
            pattern = RequestPattern.anyMethod(pathMatcher);
        } else {
            pattern = RequestPattern.anyRequest();
            if (method != null) {
                pattern = pattern.and(RequestMatchers.method(method));
            }
        }
        List<Object> query = request.array("queryParams");
        if (query != null) {
            for (int i = 0; i < query.size(); i++) {
                pattern = pattern.and(readNamed(JsonObject.of(query.get(i), request.pathOf("queryParams") + "[" + i + "]"),
                        false));
            }
        }
        List<Object> headers = request.array("headers");
        if (headers != null) {
            for (int i = 0; i < headers.size(); i++) {
                pattern = pattern.and(readNamed(JsonObject.of(headers.get(i), request.pathOf("headers") + "[" + i + "]"),
                        true));
            }
        }
        List<Object> body = request.array("body");
        if (body != null) {
            for (int i = 0; i < body.size(); i++) {
                pattern = pattern.and(readBody(JsonObject.of(body.get(i), request.pathOf("body") + "[" + i + "]")));
            }
        }
        request.done();
        return pattern;
    }

    /** One query parameter or header condition: a name and one of equalTo, present or (headers) matches. */
    private static RequestMatcher readNamed(JsonObject condition, boolean header) {
        String name = condition.requiredString("name");
        if (name.isEmpty()) {
            throw AdminException.badField(condition.pathOf("name"), "must not be empty");
        }
        String equalTo = condition.string("equalTo");
        Boolean present = condition.bool("present");
        String matches = header ? condition.string("matches") : null;
        condition.done();
        int given = (equalTo != null ? 1 : 0) + (present != null ? 1 : 0) + (matches != null ? 1 : 0);
        String choices = header ? "equalTo, present or matches" : "equalTo or present";
        if (given != 1) {
            throw AdminException.badField(condition.pathOf(equalTo != null ? "present" : "equalTo"),
                    "give exactly one of " + choices);
        }
        if (present != null && !present) {
            throw AdminException.badField(condition.pathOf("present"), "only true: absence has no built-in matcher");
        }
        if (equalTo != null) {
            return header ? RequestMatchers.header(name, equalTo) : RequestMatchers.queryParam(name, equalTo);
        }
        if (matches != null) {
            return guard(condition.pathOf("matches"), () -> RequestMatchers.headerMatching(name, matches));
        }
        return header ? RequestMatchers.headerPresent(name) : RequestMatchers.queryParamPresent(name);
    }

    private static RequestMatcher readBody(JsonObject condition) {
        String equalTo = condition.string("equalTo");
        String base64 = condition.string("base64");
        String contains = condition.string("contains");
        boolean json = condition.has("json");
        Object jsonValue = condition.value("json");
        condition.done();
        int given = (equalTo != null ? 1 : 0) + (base64 != null ? 1 : 0) + (contains != null ? 1 : 0) + (json ? 1 : 0);
        if (given != 1) {
            throw AdminException.badField(condition.pathOf("equalTo"), "give exactly one of equalTo, base64,"
                    + " contains or json");
        }
        if (equalTo != null) {
            return RequestMatchers.body(equalTo);
        }
        if (base64 != null) {
            return RequestMatchers.body(decodeBase64(base64, condition.pathOf("base64")));
        }
        if (contains != null) {
            return RequestMatchers.bodyContaining(contains);
        }
        return RequestMatchers.jsonBody(Json.write(jsonValue));
    }

    /**
     * The response {@code json} describes.
     *
     * @throws IllegalArgumentException (an {@link AdminException}) naming the field at fault
     */
    static Response readResponse(JsonObject response) {
        Long status = response.whole("status", 200, 599);
        if (status == null) {
            throw AdminException.badField(response.pathOf("status"), "required: 200 to 599");
        }
        Response.Builder builder = Response.newBuilder(status.intValue());
        JsonObject headers = response.object("headers");
        boolean contentType = false;
        if (headers != null) {
            for (String name : headersOf(headers)) {
                Object value = headers.value(name);
                List<?> values = value instanceof List<?> list ? list : List.of(value);
                for (int i = 0; i < values.size(); i++) {
                    String at = headers.pathOf(name) + (value instanceof List ? "[" + i + "]" : "");
                    if (!(values.get(i) instanceof String text)) {
                        throw AdminException.badField(at, "expected a string, was " + JsonObject.typeOf(values.get(i)));
                    }
                    guard(at, () -> builder.header(name, text));
                }
                contentType |= name.equalsIgnoreCase("Content-Type");
            }
            headers.done();
        }
        String body = response.string("body");
        String base64 = response.string("base64Body");
        boolean hasJson = response.has("jsonBody");
        Object json = response.value("jsonBody");
        int bodies = (body != null ? 1 : 0) + (base64 != null ? 1 : 0) + (hasJson ? 1 : 0);
        if (bodies > 1) {
            throw AdminException.badField(response.pathOf(body != null && base64 != null ? "base64Body" : "jsonBody"),
                    "give one of body, base64Body and jsonBody");
        }
        if (body != null) {
            builder.body(body);
        } else if (base64 != null) {
            builder.body(decodeBase64(base64, response.pathOf("base64Body")));
        } else if (hasJson) {
            builder.body(Json.write(json));
            if (!contentType) {
                builder.header("Content-Type", "application/json");
            }
        }
        BigDecimal delay = response.number("delayMs");
        BigDecimal maxDelay = response.number("maxDelayMs");
        if (maxDelay != null && delay == null) {
            throw AdminException.badField(response.pathOf("delayMs"), "required with maxDelayMs: the least delay");
        }
        if (delay != null) {
            Duration min = duration(delay, response.pathOf("delayMs"));
            Duration max = maxDelay == null ? min : duration(maxDelay, response.pathOf("maxDelayMs"));
            if (max.compareTo(min) < 0) {
                throw AdminException.badField(response.pathOf("maxDelayMs"), "must not be less than delayMs");
            }
            builder.delay(min, max);
        }
        JsonObject fault = response.object("fault");
        if (fault != null) {
            builder.fault(readFault(fault));
        }
        response.done();
        return builder.build();
    }

    private static Fault readFault(JsonObject fault) {
        String type = fault.requiredString("type");
        Fault made = switch (type) {
            case "closeWithoutResponse" -> Fault.closeWithoutResponse();
            case "resetConnection" -> Fault.resetConnection();
            case "malformedResponse" -> Fault.malformedResponse();
            case "dribbleBody" -> {
                Long rate = fault.whole("bytesPerSecond", 1, Integer.MAX_VALUE);
                if (rate == null) {
                    throw AdminException.badField(fault.pathOf("bytesPerSecond"), "required for dribbleBody");
                }
                yield Fault.dribbleBody(rate.intValue());
            }
            default -> throw AdminException.badField(fault.pathOf("type"), "unknown fault \"" + type
                    + "\"; one of closeWithoutResponse, resetConnection, malformedResponse, dribbleBody");
        };
        fault.done();
        return made;
    }

    private static List<String> headersOf(JsonObject headers) {
        return headers.names();
    }

    private static Duration duration(BigDecimal millis, String path) {
        try {
            return Duration.ofNanos(millis.movePointRight(6).longValueExact());
        } catch (ArithmeticException e) {
            throw AdminException.badField(path, "not a whole number of nanoseconds, or too long: " + millis);
        }
    }

    private static byte[] decodeBase64(String text, String path) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw AdminException.badField(path, "not base64: " + e.getMessage());
        }
    }

    /** Runs a factory, turning its refusal (a bad path, regex or header) into a 400 naming {@code path}. */
    private static <T> T guard(String path, java.util.function.Supplier<T> factory) {
        try {
            return factory.get();
        } catch (PatternSyntaxException e) {
            throw AdminException.badField(path, "not a regular expression: " + e.getDescription());
        } catch (AdminException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw AdminException.badField(path, e.getMessage());
        }
    }

    /** RFC 9110 section 5.6.2: tchar. */
    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
}
