package dev.devproxy.internal.admin;

import dev.devproxy.MetricsSnapshot;
import dev.devproxy.RecordedRequest;
import dev.devproxy.Response;
import dev.devproxy.Route;
import dev.devproxy.Router;
import dev.devproxy.internal.stub.BoundedJournal;
import dev.devproxy.internal.stub.Json;
import dev.devproxy.internal.stub.StubsAccess;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.RequestHead;
import dev.devproxy.stub.RegisteredStub;
import dev.devproxy.stub.RequestPattern;
import dev.devproxy.stub.Stub;
import dev.devproxy.stub.Stubs;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The admin API: JSON over HTTP under {@value #PREFIX}, the router of the admin listener alone. The token and
 * the resource and method are checked from the head (401, 404, 405 before any body is read); then the body,
 * bounded by the admin listener's body limit, is read and the request answered from it, on the event loop:
 * every operation is a few in-memory steps on the stubs' copy-on-write array or under the journal's monitor.
 *
 * <p>Errors are {@code {"error": "...", "field": "request.method"}} with the field at fault when there is one;
 * a failure of the router itself is a 500 with the exception's class only, logged with its stack trace here.
 */
public final class AdminRouter implements Router {
    /** The path prefix of every endpoint, as WireMock has it. */
    public static final String PREFIX = "/__admin";

    private static final String GET_ONLY = "GET, HEAD";

    private final Stubs stubs;
    private final @Nullable BoundedJournal journal;
    private final Supplier<Map<String, Object>> settings;
    private final Supplier<MetricsSnapshot> metrics;
    /** {@code Bearer <token>} as bytes, or null when no token is asked for. */
    private final byte @Nullable [] expectedAuthorization;

    /**
     * @param stubs the proxy's stubs
     * @param journal the proxy's journal, or null when it keeps none (the journal endpoints then answer 409)
     * @param settings what {@code GET /__admin/settings} shows, secrets masked
     * @param metrics the proxy's metrics now
     * @param token the bearer token every request must carry; empty for none
     */
    public AdminRouter(Stubs stubs, @Nullable BoundedJournal journal, Supplier<Map<String, Object>> settings,
            Supplier<MetricsSnapshot> metrics, String token) {
        this.stubs = stubs;
        this.journal = journal;
        this.settings = settings;
        this.metrics = metrics;
        this.expectedAuthorization = token.isEmpty() ? null : ("Bearer " + token).getBytes(StandardCharsets.US_ASCII);
    }

    /** The resources, each with the methods it allows. */
    private enum Resource {
        INDEX(GET_ONLY), STUBS("GET, HEAD, POST, DELETE"), STUB("GET, HEAD, DELETE"), JOURNAL("GET, HEAD, DELETE"),
        VERIFY("POST"), RESET("POST"), SETTINGS(GET_ONLY), METRICS(GET_ONLY);

        final String allow;

        Resource(String allow) {
            this.allow = allow;
        }

        boolean allows(String method) {
            for (String allowed : allow.split(", ")) {
                if (allowed.equals(method)) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public Route route(RequestHead head) {
        if (!authorized(head.headers())) {
            return Route.respond(error(401, "a bearer token is required: Authorization: Bearer <ADMIN_TOKEN>", null)
                    .toBuilder().header("WWW-Authenticate", "Bearer realm=\"DevProxy admin\"").build());
        }
        String path = head.path();
        Resource resource = resource(path);
        if (resource == null) {
            return Route.respond(error(404, "no admin endpoint " + path + "; see GET " + PREFIX + "/", null));
        }
        if (!resource.allows(head.method())) {
            return Route.respond(error(405, head.method() + " is not allowed on " + path + "; allowed: "
                    + resource.allow, null).toBuilder().header("Allow", resource.allow).build());
        }
        return Route.afterBody(request -> Route.respond(answer(resource, request)));
    }

    /** Whether the request carries the token, compared in constant time; true when none is asked for. */
    private boolean authorized(HeaderFields headers) {
        byte[] expected = expectedAuthorization;
        if (expected == null) {
            return true;
        }
        List<String> given = headers.getAll("Authorization");
        return given.size() == 1
                && MessageDigest.isEqual(expected, given.get(0).trim().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static @Nullable Resource resource(String path) {
        return switch (path) {
            case PREFIX, PREFIX + "/" -> Resource.INDEX;
            case PREFIX + "/stubs" -> Resource.STUBS;
            case PREFIX + "/journal" -> Resource.JOURNAL;
            case PREFIX + "/verify" -> Resource.VERIFY;
            case PREFIX + "/reset" -> Resource.RESET;
            case PREFIX + "/settings" -> Resource.SETTINGS;
            case PREFIX + "/metrics" -> Resource.METRICS;
            default -> {
                String stub = PREFIX + "/stubs/";
                yield path.startsWith(stub) && path.length() > stub.length()
                        && path.indexOf('/', stub.length()) < 0 ? Resource.STUB : null;
            }
        };
    }

    private Response answer(Resource resource, RecordedRequest request) {
        try {
            AdminQuery query = AdminQuery.parse(request.query());
            if (resource != Resource.JOURNAL) {
                query.done();
            }
            String method = request.method().equals("HEAD") ? "GET" : request.method();
            return switch (resource) {
                case INDEX -> json(200, index());
                case STUBS -> switch (method) {
                    case "GET" -> json(200, Map.of("stubs", stubs.list().stream().map(AdminRouter::stubJson).toList()));
                    case "POST" -> addStub(request);
                    default -> {
                        int removed = stubs.list().size();
                        stubs.clear();
                        yield json(200, Map.of("removed", removed));
                    }
                };
                case STUB -> stub(method, request.path().substring((PREFIX + "/stubs/").length()));
                case JOURNAL -> method.equals("GET") ? JournalQuery.answer(requireJournal(), query)
                        : clearJournal();
                case VERIFY -> verify(request);
                case RESET -> reset();
                case SETTINGS -> json(200, settings.get());
                case METRICS -> json(200, ExchangeJson.write(metrics.get()));
            };
        } catch (AdminException e) {
            return error(e.status, e.getMessage(), e.field);
        } catch (RuntimeException e) {
            LogHolder.LOG.log(Level.WARNING, "admin request " + request.method() + " " + request.target() + " failed", e);
            return error(500, "the admin API failed: " + e.getClass().getSimpleName() + "; see the proxy's log", null);
        }
    }

    private Response addStub(RecordedRequest request) {
        Stub stub = StubJsonReader.readStub(body(request));
        RegisteredStub registered = StubsAccess.add(stubs, stub, "admin API, from " + request.remoteAddress());
        return json(201, stubJson(registered)).toBuilder()
                .header("Location", PREFIX + "/stubs/" + registered.id()).build();
    }

    private Response stub(String method, String id) {
        RegisteredStub stub = stubs.find(id).orElseThrow(() -> new AdminException(404, "no stub with id " + id, "id"));
        if (method.equals("GET")) {
            return json(200, stubJson(stub));
        }
        stub.remove();
        return json(200, Map.of("removed", id));
    }

    private Response clearJournal() {
        requireJournal().clear();
        return json(200, Map.of("cleared", true));
    }

    private Response verify(RecordedRequest request) {
        BoundedJournal kept = requireJournal();
        JsonObject body = JsonObject.of(body(request), "");
        Object pattern = body.value("request");
        if (pattern == null) {
            throw AdminException.badField("request", "required: the request pattern to count");
        }
        RequestPattern matcher = StubJsonReader.readPattern(pattern, "request");
        Long count = body.whole("count", 0, Integer.MAX_VALUE);
        Long atLeast = body.whole("atLeast", 0, Integer.MAX_VALUE);
        Long atMost = body.whole("atMost", 0, Integer.MAX_VALUE);
        body.done();
        if (count != null && (atLeast != null || atMost != null)) {
            throw AdminException.badField(atLeast != null ? "atLeast" : "atMost", "give count, or atLeast and atMost");
        }
        if (atLeast != null && atMost != null && atMost < atLeast) {
            throw AdminException.badField("atMost", "must not be less than atLeast");
        }
        long low = count != null ? count : atLeast != null ? atLeast : atMost != null ? 0 : 1;
        long high = count != null ? count : atMost != null ? atMost : Long.MAX_VALUE;
        String expected = low == high ? (low == 0 ? "no request" : "exactly " + requests(low))
                : high == Long.MAX_VALUE ? "at least " + requests(low)
                : low == 0 ? "at most " + requests(high) : "from " + low + " to " + requests(high);
        BoundedJournal.Verification outcome = kept.verification(matcher, n -> n >= low && n <= high, expected);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("matched", outcome.matched());
        out.put("ok", outcome.report() == null);
        out.put("expected", expected);
        out.put("pattern", matcher.describe());
        String report = outcome.report();
        out.put("report", report == null ? Json.NULL : report);
        return json(200, out);
    }

    private static String requests(long n) {
        return n + (n == 1 ? " request" : " requests");
    }

    private Response reset() {
        int removed = stubs.list().size();
        stubs.clear();
        if (journal != null) {
            journal.clear();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stubsRemoved", removed);
        out.put("journalCleared", journal != null);
        return json(200, out);
    }

    private BoundedJournal requireJournal() {
        if (journal == null) {
            throw new AdminException(409, "this proxy keeps no journal (journalCapacity is 0)", null);
        }
        return journal;
    }

    private static Map<String, Object> index() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stubs", "GET, POST, DELETE " + PREFIX + "/stubs; GET, DELETE " + PREFIX + "/stubs/{id}");
        out.put("journal", "GET " + PREFIX + "/journal?method=&path=&status=&since=&limit=; DELETE " + PREFIX
                + "/journal");
        out.put("verify", "POST " + PREFIX + "/verify {\"request\": {...}, \"count\" | \"atLeast\" | \"atMost\": n}");
        out.put("reset", "POST " + PREFIX + "/reset");
        out.put("settings", "GET " + PREFIX + "/settings");
        out.put("metrics", "GET " + PREFIX + "/metrics");
        return out;
    }

    /** A registration as JSON: its id and use count, and the stub's JSON form when it has one. */
    static Map<String, Object> stubJson(RegisteredStub registered) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", registered.id());
        try {
            out.putAll(StubJson.write(registered.stub()));
        } catch (IllegalArgumentException e) {
            // Registered in-process with a custom matcher: listed, and removable, but it has no JSON form.
            Stub stub = registered.stub();
            if (stub.name() != null) {
                out.put("name", stub.name());
            }
            out.put("noJsonForm", e.getMessage());
        }
        out.put("description", registered.stub().describe());
        out.put("uses", registered.uses());
        out.put("usedUp", registered.isUsedUp());
        out.put("registeredAt", registered.registeredAt());
        return out;
    }

    /** The request's body as JSON; a 400 when it is empty, not UTF-8 or not JSON. */
    private static Object body(RecordedRequest request) {
        if (request.body().length == 0) {
            throw new AdminException(400, "a JSON body is required", null);
        }
        String text = StubJson.utf8(request.body());
        if (text == null) {
            throw new AdminException(400, "the body is not UTF-8", null);
        }
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new AdminException(400, "malformed JSON: " + e.getMessage(), null);
        }
    }

    static Response json(int status, Object body) {
        return Response.newBuilder(status).header("Content-Type", "application/json")
                .header("Cache-Control", "no-store").body(Json.write(body) + "\n").build();
    }

    static Response error(int status, String message, @Nullable String field) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("error", message);
        if (field != null) {
            out.put("field", field);
        }
        return json(status, out);
    }

    @Override
    public String toString() {
        return "admin API";
    }

    /** Looked up on first use, as the engine's loggers are. */
    private static final class LogHolder {
        static final System.Logger LOG = System.getLogger("dev.devproxy.admin");
    }
}
