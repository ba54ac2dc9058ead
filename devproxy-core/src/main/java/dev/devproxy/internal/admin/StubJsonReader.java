package dev.devproxy.internal.admin;

import dev.devproxy.Fault;
import dev.devproxy.Response;
import dev.devproxy.internal.stub.Json;
import dev.devproxy.stub.RequestMatcher;
import dev.devproxy.stub.RequestMatchers;
import dev.devproxy.stub.RequestPattern;
import dev.devproxy.stub.Stub;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the JSON forms {@link StubJson} writes (and people write by hand) back into stubs, patterns and
 * responses, through the same factories the Java API offers. Every refusal is an {@link AdminException} naming
 * the field at fault, with its path in the document ({@code request.headers[0].name}), and every object is
 * checked for fields nobody asked for.
 */
public final class StubJsonReader {
    private StubJsonReader() {
    }


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
        if (method != null && (method.isEmpty() || !method.chars().allMatch(StubJsonReader::isTokenChar))) {
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
