package dev.devproxy.admin;

import dev.devproxy.MetricsSnapshot;
import dev.devproxy.internal.admin.ExchangeJson;
import dev.devproxy.internal.admin.StubJson;
import dev.devproxy.internal.admin.StubJsonReader;
import dev.devproxy.internal.stub.Json;
import dev.devproxy.stub.JournalEntry;
import dev.devproxy.stub.RequestMatcher;
import dev.devproxy.stub.Stub;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A client for the admin API of a DevProxy in another JVM, process or container, so that a test can drive it
 * as it drives one in its own JVM:
 *
 * <pre>{@code
 * DevProxyAdmin admin = DevProxyAdmin.connect(URI.create("http://127.0.0.1:8890/__admin/"), null);
 * admin.stubFor(get("/api/users").willReturn(json(200, "[]")));   // RequestPattern.get, Responses.json
 * // ... run the code under test against the proxy ...
 * admin.verify(get("/api/users"), 1).assertOk();
 * }</pre>
 *
 * <p>Stubs and patterns travel in the admin API's JSON form, which every built-in matcher of
 * {@code RequestMatchers} and {@code RequestPattern} has; a custom matcher (a lambda,
 * {@code RequestMatchers.matching}) is refused with an {@link IllegalArgumentException} naming it, before
 * anything is sent. Thread-safe; every call is one blocking HTTP request, at most 10 s. A refusal of the admin
 * API is an {@link AdminApiException}; an I/O failure an {@link UncheckedIOException}.
 */
public final class DevProxyAdmin {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The members of a listed stub that the proxy adds; the rest is the stub's JSON form. */
    private static final Set<String> LISTING_ONLY = Set.of("id", "description", "uses", "usedUp", "registeredAt",
            "noJsonForm");

    private final URI base;
    private final @Nullable String authorization;

    private DevProxyAdmin(URI base, @Nullable String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    /**
     * A client for the admin API at {@code adminUri}, such as {@code http://127.0.0.1:8890/__admin/} (what the
     * standalone proxy prints and {@code DevProxy.adminUri()} gives); {@code http://127.0.0.1:8890} alone works
     * too. Connects on the first call, not here.
     *
     * @param adminUri the admin API's address
     * @param token the proxy's {@code ADMIN_TOKEN}, or null (or empty) when it asks for none
     * @return a new client
     * @throws IllegalArgumentException when {@code adminUri} is not an absolute {@code http} URI
     */
    public static DevProxyAdmin connect(URI adminUri, @Nullable String token) {
        Objects.requireNonNull(adminUri, "adminUri");
        if (!"http".equalsIgnoreCase(adminUri.getScheme()) || adminUri.getHost() == null) {
            throw new IllegalArgumentException("the admin API is at an http://host:port/__admin/ URI, was " + adminUri);
        }
        String path = adminUri.getPath() == null ? "" : adminUri.getPath();
        String base = path.isEmpty() || path.equals("/") ? "/__admin/" : path.endsWith("/") ? path : path + "/";
        URI normalised = URI.create(adminUri.getScheme() + "://" + adminUri.getRawAuthority() + base);
        return new DevProxyAdmin(normalised, token == null || token.isEmpty() ? null : "Bearer " + token);
    }

    /**
     * Registers {@code stub} after the proxy's other stubs; it answers from the proxy's next request on.
     *
     * @param stub the stub, made of built-in matchers
     * @return its id at the proxy, for {@link #removeStub(String)}
     * @throws IllegalArgumentException naming the first matcher with no JSON form
     */
    public String stubFor(Stub stub) {
        String body = Json.write(StubJson.write(stub));
        return (String) object(send("POST", "stubs", body)).get("id");
    }

    /**
     * The proxy's stubs, in matching order, those registered there in-process included.
     *
     * @return the stubs, each with its id and use count
     */
    public List<RemoteStub> stubs() {
        List<RemoteStub> stubs = new ArrayList<>();
        for (Object item : (List<?>) object(send("GET", "stubs", null)).get("stubs")) {
            Map<?, ?> listed = (Map<?, ?>) item;
            Map<String, Object> form = new LinkedHashMap<>();
            listed.forEach((name, value) -> {
                if (!LISTING_ONLY.contains((String) name)) {
                    form.put((String) name, value);
                }
            });
            Stub stub = listed.containsKey("noJsonForm") ? null : StubJsonReader.readStub(form);
            stubs.add(new RemoteStub((String) listed.get("id"), stub, (String) listed.get("description"),
                    ((BigDecimal) listed.get("uses")).intValueExact(), Boolean.TRUE.equals(listed.get("usedUp"))));
        }
        return stubs;
    }

    /**
     * Removes the stub with {@code id}.
     *
     * @param id an id from {@link #stubFor} or {@link #stubs()}
     * @return whether the proxy had it
     */
    public boolean removeStub(String id) {
        try {
            send("DELETE", "stubs/" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
            return true;
        } catch (AdminApiException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * The journal entries {@code filter} keeps, oldest first, each a snapshot of one moment (an entry in flight
     * has status 0). Entries are read back into the records the proxy keeps; client certificates are not sent.
     *
     * @param filter which entries, such as {@code JournalFilter.all().withPath("/api/*")}
     * @return the entries
     * @throws AdminApiException with status 409 when the proxy keeps no journal
     */
    public List<JournalEntry> journal(JournalFilter filter) {
        List<JournalEntry> entries = new ArrayList<>();
        for (Object entry : (List<?>) object(send("GET", "journal" + query(filter), null)).get("entries")) {
            entries.add(ExchangeJson.readEntry(entry));
        }
        return entries;
    }

    /**
     * The journal entries {@code filter} selects as an HTTP Archive (HAR 1.2), for a browser's developer tools,
     * or for {@link dev.devproxy.stub.Har#stubs(String)} to replay.
     *
     * @param filter which entries, as for {@link #journal(JournalFilter)}
     * @return the archive's JSON text
     */
    public String journalHar(JournalFilter filter) {
        String query = query(filter);
        return send("GET", "journal" + query + (query.isEmpty() ? "?" : "&") + "format=har", null);
    }

    private static String query(JournalFilter filter) {
        StringBuilder query = new StringBuilder();
        add(query, "method", filter.method());
        add(query, "path", filter.path());
        add(query, "status", filter.status() < 0 ? null : Integer.toString(filter.status()));
        add(query, "since", filter.since() == null ? null : filter.since().toString());
        add(query, "limit", filter.limit() == 0 ? null : Integer.toString(filter.limit()));
        return query.toString();
    }

    /** Forgets every journal entry, keeping the stubs. */
    public void clearJournal() {
        send("DELETE", "journal", null);
    }

    /**
     * Counts the journal entries {@code pattern} matches, expecting exactly {@code count}.
     *
     * @param pattern the requests to count, made of built-in matchers
     * @param count the number expected, 0 or more
     * @return the count and, when it is not {@code count}, the near-miss report; {@link Verification#assertOk()}
     *     fails a test with it
     * @throws IllegalArgumentException naming the first matcher with no JSON form, or when {@code count} is negative
     */
    public Verification verify(RequestMatcher pattern, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be at least 0, was " + count);
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("request", StubJson.writePattern(pattern));
        request.put("count", count);
        Map<?, ?> answer = object(send("POST", "verify", Json.write(request)));
        Object report = answer.get("report");
        return new Verification(((BigDecimal) answer.get("matched")).intValueExact(),
                Boolean.TRUE.equals(answer.get("ok")), (String) answer.get("expected"),
                report instanceof String text ? text : null);
    }

    /** Removes every stub and forgets every journal entry, as between two tests. */
    public void reset() {
        send("POST", "reset", null);
    }

    /**
     * The proxy's settings, flattened: {@code config.port}, {@code config.upstream.host},
     * {@code journal.capacity}, {@code strictStubbing}... Numbers and booleans as their JSON text, durations in
     * seconds, secrets as {@code ****}, absent values as {@code null}.
     *
     * @return the settings by dotted name, in the proxy's order
     */
    public Map<String, String> settings() {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", object(send("GET", "settings", null)), flat);
        return java.util.Collections.unmodifiableMap(flat);
    }

    /**
     * The proxy's built-in metrics now; the admin API's own requests are never in them.
     *
     * @return the totals
     */
    public MetricsSnapshot metrics() {
        return ExchangeJson.readMetrics(object(send("GET", "metrics", null)));
    }

    @Override
    public String toString() {
        return "DevProxyAdmin[" + base + (authorization != null ? ", with a token" : "") + "]";
    }

    private static void flatten(String prefix, Map<?, ?> object, Map<String, String> out) {
        object.forEach((name, value) -> {
            String key = prefix + name;
            if (value instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, out);
            } else {
                out.put(key, value instanceof String text ? text : Json.write(value));
            }
        });
    }

    private static void add(StringBuilder query, String name, @Nullable String value) {
        if (value != null) {
            query.append(query.length() == 0 ? '?' : '&').append(name).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    private static Map<?, ?> object(String body) {
        Object parsed = Json.parse(body);
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalStateException("the admin API answered with something other than a JSON object: " + body);
        }
        return map;
    }

    /** One request; the body of a 2xx answer, else an {@link AdminApiException} with the answer's error. */
    private String send(String method, String path, @Nullable String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = Client.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + base.resolve(path) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException(method + " " + base.resolve(path) + " interrupted"));
        }
        if (response.statusCode() / 100 == 2) {
            return response.body();
        }
        String message = response.body().strip();
        String field = null;
        try {
            if (Json.parse(response.body()) instanceof Map<?, ?> error) {
                message = String.valueOf(error.get("error"));
                field = error.get("field") instanceof String named ? named : null;
            }
        } catch (IllegalArgumentException notJson) {
            // a 413 from the engine, or something that is not the admin API: the body says it as text
        }
        throw new AdminApiException(response.statusCode(), message, field);
    }

    /**
     * One HTTP client for every {@code DevProxyAdmin}: before Java 21 an {@code HttpClient} cannot be closed,
     * and each keeps a selector thread. Made on first use.
     */
    private static final class Client {
        static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }
}
