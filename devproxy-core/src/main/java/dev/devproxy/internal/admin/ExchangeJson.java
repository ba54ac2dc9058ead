package dev.devproxy.internal.admin;

import dev.devproxy.MetricsSnapshot;
import dev.devproxy.RecordedRequest;
import dev.devproxy.RecordedResponse;
import dev.devproxy.RouteKind;
import dev.devproxy.internal.stub.Json;
import dev.devproxy.stub.JournalEntry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of what the admin API reports: journal entries (request, response, timings, outcome) and the
 * metrics snapshot; written by the admin router, read back by the Java client into the same records. Header
 * fields are {@code [name, value]} pairs in arrival order, as they were on the wire; bodies are text when they
 * are UTF-8, else {@code base64Body}; times are milliseconds, fractions allowed.
 */
public final class ExchangeJson {
    private ExchangeJson() {
    }

    /** The JSON form of {@code entry}. */
    public static Map<String, Object> write(JournalEntry entry) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("request", write(entry.request()));
        out.put("route", entry.route().label());
        out.put("status", entry.status());
        out.put("inFlight", entry.inFlight());
        out.put("unmatched", entry.unmatched());
        out.put("rejection", orNull(entry.rejection()));
        out.put("durationMs", StubJson.millis(entry.duration()));
        Duration firstByte = entry.firstByte();
        out.put("firstByteMs", firstByte == null ? Json.NULL : StubJson.millis(firstByte));
        out.put("bytesIn", entry.bytesIn());
        out.put("bytesOut", entry.bytesOut());
        RecordedResponse response = entry.response();
        out.put("response", response == null ? Json.NULL : write(response));
        return out;
    }

    private static Map<String, Object> write(RecordedRequest request) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", request.method());
        out.put("target", request.target());
        out.put("path", request.path());
        out.put("query", orNull(request.query()));
        out.put("version", request.version());
        out.put("headers", pairs(request.headers()));
        body(out, request.body());
        out.put("bodyLength", request.bodyLength());
        out.put("bodyTruncated", request.bodyTruncated());
        out.put("remoteAddress", request.remoteAddress());
        out.put("receivedAt", request.receivedAt().toString());
        return out;
    }

    private static Map<String, Object> write(RecordedResponse response) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", response.status());
        out.put("reason", response.reason());
        out.put("headers", pairs(response.headers()));
        body(out, response.body());
        out.put("bodyLength", response.bodyLength());
        out.put("bodyTruncated", response.bodyTruncated());
        return out;
    }

    /** The JSON form of the metrics' totals. */
    public static Map<String, Object> write(MetricsSnapshot metrics) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requestsTotal", metrics.requestsTotal());
        out.put("errorsTotal", metrics.errorsTotal());
        out.put("activeConnections", metrics.activeConnections());
        out.put("connectionsTotal", metrics.connectionsTotal());
        out.put("bytesReceived", metrics.bytesReceived());
        out.put("bytesSent", metrics.bytesSent());
        return out;
    }

    private static List<Object> pairs(List<Map.Entry<String, String>> fields) {
        List<Object> out = new ArrayList<>(fields.size());
        for (Map.Entry<String, String> field : fields) {
            out.add(List.of(field.getKey(), field.getValue()));
        }
        return out;
    }

    private static void body(Map<String, Object> out, byte[] body) {
        String text = StubJson.utf8(body);
        if (text != null) {
            out.put("body", text);
        } else {
            out.put("base64Body", Base64.getEncoder().encodeToString(body));
        }
    }

    private static Object orNull(@Nullable String value) {
        return value == null ? Json.NULL : value;
    }

    // ---- Reading, for the client -----------------------------------------------------------------------------

    /**
     * The journal entry {@code json} describes.
     *
     * @throws IllegalArgumentException when it is not what {@link #write(JournalEntry)} writes
     */
    public static JournalEntry readEntry(Object json) {
        JsonObject entry = JsonObject.of(json, "");
        JsonObject request = required(entry.object("request"), "request");
        String route = entry.requiredString("route");
        RecordedResponse response = entry.value("response") instanceof Map<?, ?> ? readResponse(
                required(entry.object("response"), "response")) : null;
        return new JournalEntry(readRequest(request), RouteKind.valueOf(route.toUpperCase(Locale.ROOT)),
                (int) number(entry, "status"), duration(entry.value("durationMs")), bool(entry, "unmatched"),
                nullableString(entry, "rejection"), bool(entry, "inFlight"), response,
                entry.value("firstByteMs") instanceof BigDecimal ? duration(entry.value("firstByteMs")) : null,
                number(entry, "bytesIn"), number(entry, "bytesOut"));
    }

    private static RecordedRequest readRequest(JsonObject request) {
        try {
            return new RecordedRequest(request.requiredString("method"), request.requiredString("target"),
                    request.requiredString("path"), nullableString(request, "query"), request.requiredString("version"),
                    readPairs(request), readBody(request), number(request, "bodyLength"),
                    request.requiredString("remoteAddress"), Instant.parse(request.requiredString("receivedAt")));
        } catch (DateTimeParseException e) {
            throw AdminException.badField("request.receivedAt", "not an instant: " + e.getMessage());
        }
    }

    private static RecordedResponse readResponse(JsonObject response) {
        return new RecordedResponse((int) number(response, "status"), response.requiredString("reason"),
                readPairs(response), readBody(response), number(response, "bodyLength"));
    }

    /** The metrics snapshot {@code json} describes. */
    public static MetricsSnapshot readMetrics(Object json) {
        JsonObject metrics = JsonObject.of(json, "");
        return new MetricsSnapshot(number(metrics, "requestsTotal"), number(metrics, "errorsTotal"),
                number(metrics, "activeConnections"), number(metrics, "connectionsTotal"),
                number(metrics, "bytesReceived"), number(metrics, "bytesSent"));
    }

    private static List<Map.Entry<String, String>> readPairs(JsonObject message) {
        List<Object> pairs = message.array("headers");
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        if (pairs != null) {
            for (Object pair : pairs) {
                if (pair instanceof List<?> two && two.size() == 2 && two.get(0) instanceof String name
                        && two.get(1) instanceof String value) {
                    fields.add(Map.entry(name, value));
                } else {
                    throw AdminException.badField(message.pathOf("headers"), "expected [name, value] pairs");
                }
            }
        }
        return fields;
    }

    private static byte[] readBody(JsonObject message) {
        String text = message.string("body");
        if (text != null) {
            return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        String base64 = message.string("base64Body");
        return base64 == null ? new byte[0] : Base64.getDecoder().decode(base64);
    }

    private static JsonObject required(@Nullable JsonObject value, String field) {
        if (value == null) {
            throw AdminException.badField(field, "required");
        }
        return value;
    }

    private static long number(JsonObject object, String name) {
        Long value = object.whole(name, Long.MIN_VALUE, Long.MAX_VALUE);
        if (value == null) {
            throw AdminException.badField(object.pathOf(name), "required");
        }
        return value;
    }

    private static boolean bool(JsonObject object, String name) {
        Boolean value = object.bool(name);
        return value != null && value;
    }

    private static @Nullable String nullableString(JsonObject object, String name) {
        Object value = object.value(name);
        return value instanceof String text ? text : null;
    }

    private static Duration duration(@Nullable Object millis) {
        if (!(millis instanceof BigDecimal number)) {
            throw AdminException.badField("durationMs", "expected a number");
        }
        return Duration.ofNanos(number.movePointRight(6).longValue());
    }
}
