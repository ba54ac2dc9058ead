package dev.devproxy.internal.stub;

import dev.devproxy.RecordedRequest;
import dev.devproxy.RecordedResponse;
import dev.devproxy.stub.JournalEntry;
import java.net.URLDecoder;
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
 * Journal entries as an HTTP Archive, HAR 1.2 (W3C Web Performance working group draft, the format browsers'
 * developer tools export and load). Each entry becomes one {@code entries[]} object: the request and the
 * response as the journal kept them, the time from the request's first byte to the response's first byte as
 * {@code wait}, and the rest of the exchange as {@code receive}.
 *
 * <p>Bodies are written as sent on the wire, after their framing (chunked) was removed and before any content
 * coding was undone: a gzip-encoded response is kept encoded, base64, with its {@code Content-Encoding}, so that
 * reading the archive back replays exactly those bytes. A body the journal cut at its cap says so in a
 * {@code comment}, with both lengths; text that is not UTF-8 is base64 with {@code "encoding": "base64"}.
 */
public final class HarWriter {
    private HarWriter() {
    }

    /** The archive, as JSON text. */
    public static String write(List<JournalEntry> journal, String creatorVersion) {
        List<Object> entries = new ArrayList<>(journal.size());
        for (JournalEntry entry : journal) {
            entries.add(entry(entry));
        }
        Map<String, Object> creator = new LinkedHashMap<>();
        creator.put("name", "DevProxy");
        creator.put("version", creatorVersion);
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("version", "1.2");
        log.put("creator", creator);
        log.put("entries", entries);
        return Json.write(Map.of("log", log));
    }

    private static Map<String, Object> entry(JournalEntry entry) {
        Map<String, Object> out = new LinkedHashMap<>();
        RecordedRequest request = entry.request();
        out.put("startedDateTime", request.receivedAt().toString());
        double total = millis(entry.duration());
        double wait = entry.firstByte() == null ? total : millis(entry.firstByte());
        out.put("time", total);
        out.put("request", request(request));
        out.put("response", response(entry));
        out.put("cache", Map.of());
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("send", 0);
        timings.put("wait", wait);
        timings.put("receive", Math.max(0, total - wait));
        out.put("timings", timings);
        out.put("_route", entry.route().label());
        if (entry.rejection() != null) {
            out.put("comment", "refused by DevProxy: " + entry.rejection());
        } else if (entry.unmatched()) {
            out.put("comment", "no stub matched");
        }
        return out;
    }

    private static Map<String, Object> request(RecordedRequest request) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", request.method());
        out.put("url", url(request));
        out.put("httpVersion", request.version().isEmpty() ? "HTTP/1.1" : request.version());
        out.put("cookies", cookies(request.headers("Cookie"), "; "));
        out.put("headers", headers(request.headers()));
        out.put("queryString", query(request.query()));
        if (request.bodyLength() > 0) {
            Map<String, Object> post = new LinkedHashMap<>();
            String type = request.header("Content-Type");
            post.put("mimeType", type == null ? "" : type);
            putText(post, request.body());
            if (request.bodyTruncated()) {
                post.put("comment", truncation(request.body().length, request.bodyLength()));
            }
            out.put("postData", post);
        }
        out.put("headersSize", -1);
        out.put("bodySize", request.bodyLength());
        return out;
    }

    private static Map<String, Object> response(JournalEntry entry) {
        Map<String, Object> out = new LinkedHashMap<>();
        RecordedResponse response = entry.response();
        if (response == null) {
            // HAR has no exchange without a response: status 0 is what browsers write for one that failed.
            out.put("status", entry.status());
            out.put("statusText", "");
            out.put("httpVersion", "HTTP/1.1");
            out.put("cookies", List.of());
            out.put("headers", List.of());
            out.put("content", Map.of("size", 0, "mimeType", ""));
            out.put("redirectURL", "");
            out.put("headersSize", -1);
            out.put("bodySize", -1);
            out.put("comment", entry.inFlight() ? "in flight when the archive was written" : "no response was sent");
            return out;
        }
        out.put("status", response.status());
        out.put("statusText", response.reason());
        out.put("httpVersion", "HTTP/1.1");
        out.put("cookies", cookies(response.headers("Set-Cookie"), null));
        out.put("headers", headers(response.headers()));
        Map<String, Object> content = new LinkedHashMap<>();
        long length = response.bodyLength() >= 0 ? response.bodyLength() : response.body().length;
        content.put("size", length);
        String type = response.header("Content-Type");
        content.put("mimeType", type == null ? "" : type);
        putText(content, response.body());
        if (response.bodyTruncated()) {
            content.put("comment", truncation(response.body().length, response.bodyLength()));
        }
        out.put("content", content);
        String location = response.header("Location");
        out.put("redirectURL", location == null ? "" : location);
        out.put("headersSize", -1);
        out.put("bodySize", length);
        return out;
    }

    /** An absolute URL: the target itself when absolute-form, else {@code http://} and the Host field. */
    private static String url(RecordedRequest request) {
        String target = request.target();
        if (target.startsWith("http://") || target.startsWith("https://")) {
            return target;
        }
        String host = request.header("Host");
        String scheme = request.clientCertificates().isEmpty() ? "http" : "https";
        return scheme + "://" + (host == null || host.isEmpty() ? "localhost" : host)
                + (target.startsWith("/") ? target : "/" + target);
    }

    private static List<Object> headers(List<Map.Entry<String, String>> fields) {
        List<Object> out = new ArrayList<>(fields.size());
        for (Map.Entry<String, String> field : fields) {
            out.add(pair(field.getKey(), field.getValue()));
        }
        return out;
    }

    private static List<Object> query(@Nullable String query) {
        List<Object> out = new ArrayList<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String part : query.split("&", -1)) {
            int equals = part.indexOf('=');
            String name = equals < 0 ? part : part.substring(0, equals);
            String value = equals < 0 ? "" : part.substring(equals + 1);
            out.add(pair(decode(name), decode(value)));
        }
        return out;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text; // a stray % stays as sent
        }
    }

    /** Cookies by name and value: from a Cookie field ({@code "; "} between them) or each Set-Cookie field. */
    private static List<Object> cookies(List<String> fields, @Nullable String separator) {
        List<Object> out = new ArrayList<>();
        for (String field : fields) {
            String[] cookies = separator == null ? new String[] {field.split(";", 2)[0]} : field.split(";");
            for (String cookie : cookies) {
                int equals = cookie.indexOf('=');
                if (equals > 0) {
                    out.add(pair(cookie.substring(0, equals).trim(), cookie.substring(equals + 1).trim()));
                }
            }
        }
        return out;
    }

    private static Map<String, Object> pair(String name, String value) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("value", value);
        return out;
    }

    private static void putText(Map<String, Object> content, byte[] body) {
        if (body.length == 0) {
            return;
        }
        String text = utf8(body);
        if (text != null) {
            content.put("text", text);
        } else {
            content.put("text", Base64.getEncoder().encodeToString(body));
            content.put("encoding", "base64");
        }
    }

    private static @Nullable String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String truncation(int kept, long length) {
        return "the journal kept the first " + kept + " of " + (length < 0 ? "more" : String.valueOf(length))
                + " bytes";
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1_000_000.0;
    }
}
