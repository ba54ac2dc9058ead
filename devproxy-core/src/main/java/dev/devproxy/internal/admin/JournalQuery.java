package dev.devproxy.internal.admin;

import dev.devproxy.Response;
import dev.devproxy.internal.stub.BoundedJournal;
import dev.devproxy.stub.Har;
import dev.devproxy.stub.JournalEntry;
import dev.devproxy.stub.RequestMatcher;
import dev.devproxy.stub.RequestMatchers;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /__admin/journal}: the entries kept, oldest first, filtered by {@code method} (exact),
 * {@code path} (exact, or a glob as {@code RequestMatchers.pathGlob} reads it when it has {@code *} or
 * {@code ?}), {@code status} (0 for in flight or no response), {@code since} (an ISO-8601 instant: received
 * at or after it), and cut to the newest {@code limit}; with {@code format=har}, the same entries as an HTTP
 * Archive (HAR 1.2) instead of the admin API's own JSON. Each entry is one immutable snapshot, taken under the
 * journal's monitor, so a request in flight is shown as it was at one moment, never half updated.
 */
final class JournalQuery {
    private JournalQuery() {
    }

    static Response answer(BoundedJournal journal, AdminQuery query) {
        String method = query.get("method");
        String path = query.get("path");
        String status = query.get("status");
        String since = query.get("since");
        String limit = query.get("limit");
        String format = query.get("format");
        query.done();
        if (format != null && !format.equals("json") && !format.equals("har")) {
            throw AdminException.badField("format", "json (the default) or har, was \"" + format + "\"");
        }
        RequestMatcher pathMatcher = null;
        if (path != null) {
            try {
                pathMatcher = path.indexOf('*') >= 0 || path.indexOf('?') >= 0 ? RequestMatchers.pathGlob(path)
                        : RequestMatchers.path(path);
            } catch (IllegalArgumentException e) {
                throw AdminException.badField("path", e.getMessage());
            }
        }
        int wantedStatus = status == null ? -1 : (int) whole(status, "status", 0, 599);
        Instant from = null;
        if (since != null) {
            try {
                from = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw AdminException.badField("since", "not an ISO-8601 instant such as 2026-01-31T12:00:00Z: "
                        + since);
            }
        }
        int most = limit == null ? Integer.MAX_VALUE : (int) whole(limit, "limit", 1, Integer.MAX_VALUE);
        List<JournalEntry> all = journal.all();
        List<Object> found = new ArrayList<>();
        int matched = 0;
        List<JournalEntry> kept = new ArrayList<>();
        for (JournalEntry entry : all) {
            if (matches(entry, method, pathMatcher, wantedStatus, from)) {
                kept.add(entry);
                matched++;
            }
        }
        List<JournalEntry> newest = kept.subList(Math.max(0, kept.size() - most), kept.size());
        if ("har".equals(format)) {
            return Response.newBuilder(200).header("Content-Type", "application/json")
                    .body(Har.write(newest)).build();
        }
        for (JournalEntry entry : newest) {
            found.add(ExchangeJson.write(entry));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("matched", matched);
        out.put("kept", all.size());
        out.put("entries", found);
        return AdminRouter.json(200, out);
    }

    private static boolean matches(JournalEntry entry, @Nullable String method, @Nullable RequestMatcher path,
            int status, @Nullable Instant since) {
        return (method == null || entry.method().equals(method))
                && (path == null || path.matches(entry.request()))
                && (status < 0 || entry.status() == status)
                && (since == null || !entry.request().receivedAt().isBefore(since));
    }

    private static long whole(String text, String field, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw AdminException.badField(field, "expected a whole number, was \"" + text + "\"");
        }
        if (value < min || value > max) {
            throw AdminException.badField(field, "must be " + min + " to " + max + ", was " + value);
        }
        return value;
    }
}
