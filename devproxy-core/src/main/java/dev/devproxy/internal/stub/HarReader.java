package dev.devproxy.internal.stub;

import dev.devproxy.Response;
import dev.devproxy.stub.RequestPattern;
import dev.devproxy.stub.Stub;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Stubs from an HTTP Archive (HAR 1.2): each entry's request becomes a pattern on its method, path and query
 * parameters, and its response a stub response with the status, header fields and body it had. Entries with the
 * same method, path and query become one stub answering their responses in the archive's order (and repeating
 * the last), as a recording of the same call made several times would need. Entries without a response
 * (status 0) are skipped.
 *
 * <p>The fields DevProxy writes itself are left out of the recorded response ({@code Content-Length},
 * {@code Transfer-Encoding}, {@code Connection}, {@code Keep-Alive}, {@code Date}): it frames and dates what it
 * sends. Errors name
 * the entry and the field, as {@code log.entries[3].response.status: expected a number}.
 */
public final class HarReader {
    /** Fields DevProxy writes itself for each response it sends: framing, connection management, Date. */
    private static final Set<String> ENGINE_FIELDS = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "date");

    private HarReader() {
    }

    /** The stubs the archive {@code har} describes, in the order of their first entries. */
    public static List<Stub> stubs(String har) {
        Object root;
        try {
            root = Json.parse(har);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a HAR file: " + e.getMessage(), e);
        }
        List<?> entries = list(member(object(root, "(root)"), "log", "(root)"), "entries", "log");
        Map<String, List<Response>> responses = new LinkedHashMap<>();
        Map<String, RequestPattern> patterns = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String at = "log.entries[" + i + "]";
            Map<?, ?> entry = object(entries.get(i), at);
            Map<?, ?> request = object(member(entry, "request", at), at + ".request");
            Map<?, ?> response = object(member(entry, "response", at), at + ".response");
            int status = number(member(response, "status", at + ".response"), at + ".response.status");
            if (status == 0) {
                continue; // no response was recorded: nothing to answer with
            }
            String method = string(member(request, "method", at + ".request"), at + ".request.method");
            URI url = url(string(member(request, "url", at + ".request"), at + ".request.url"), at + ".request.url");
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            String query = url.getRawQuery();
            String key = method.toUpperCase(Locale.ROOT) + " " + path + (query == null ? "" : "?" + query);
            patterns.computeIfAbsent(key, k -> pattern(method, path, request, at));
            responses.computeIfAbsent(key, k -> new ArrayList<>()).add(response(response, status, at + ".response"));
        }
        List<Stub> stubs = new ArrayList<>(patterns.size());
        for (Map.Entry<String, RequestPattern> pattern : patterns.entrySet()) {
            List<Response> answers = responses.get(pattern.getKey());
            stubs.add(new Stub(pattern.getValue(), answers, Stub.UNLIMITED, "HAR " + pattern.getKey()));
        }
        return stubs;
    }

    private static RequestPattern pattern(String method, String path, Map<?, ?> request, String at) {
        RequestPattern pattern = RequestPattern.request(method.toUpperCase(Locale.ROOT), path);
        Object query = request.get("queryString");
        if (query != null) {
            List<?> params = list(request, "queryString", at + ".request");
            for (int i = 0; i < params.size(); i++) {
                String p = at + ".request.queryString[" + i + "]";
                Map<?, ?> param = object(params.get(i), p);
                pattern = pattern.withQueryParam(string(member(param, "name", p), p + ".name"),
                        string(member(param, "value", p), p + ".value"));
            }
        }
        return pattern;
    }

    private static Response response(Map<?, ?> response, int status, String at) {
        Response.Builder builder = Response.newBuilder(status);
        Object headers = response.get("headers");
        if (headers != null) {
            List<?> fields = list(response, "headers", at);
            for (int i = 0; i < fields.size(); i++) {
                String f = at + ".headers[" + i + "]";
                Map<?, ?> field = object(fields.get(i), f);
                String name = string(member(field, "name", f), f + ".name");
                // Pseudo-fields (":status") come from HTTP/2 captures: not fields of an HTTP/1.1 response.
                if (!ENGINE_FIELDS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    try {
                        builder.header(name, string(member(field, "value", f), f + ".value"));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        Object content = response.get("content");
        if (content != null) {
            Map<?, ?> body = object(content, at + ".content");
            Object text = body.get("text");
            if (text != null) {
                String value = string(text, at + ".content.text");
                boolean base64 = "base64".equals(body.get("encoding"));
                try {
                    builder.body(base64 ? Base64.getDecoder().decode(value) : value.getBytes(StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(at + ".content.text: not base64 (" + e.getMessage() + ")", e);
                }
            }
        }
        return builder.build();
    }

    private static URI url(String text, String at) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(at + ": not a URL: " + e.getMessage(), e);
        }
    }

    private static Object member(Map<?, ?> object, String name, String at) {
        Object value = object.get(name);
        if (value == null) {
            throw new IllegalArgumentException(at + "." + name + ": missing");
        }
        return value;
    }

    private static Map<?, ?> object(@Nullable Object value, String at) {
        if (value instanceof Map<?, ?> map) {
            return map;
        }
        throw new IllegalArgumentException(at + ": expected an object");
    }

    private static List<?> list(Object object, String name, String at) {
        Object value = object instanceof Map<?, ?> map ? map.get(name) : null;
        if (value instanceof List<?> list) {
            return list;
        }
        throw new IllegalArgumentException(at + "." + name + ": expected an array");
    }

    private static String string(Object value, String at) {
        if (value instanceof String text) {
            return text;
        }
        throw new IllegalArgumentException(at + ": expected a string");
    }

    private static int number(Object value, String at) {
        if (value instanceof BigDecimal number) {
            try {
                return number.intValueExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(at + ": expected a whole number, was " + number, e);
            }
        }
        throw new IllegalArgumentException(at + ": expected a number");
    }
}
