package dev.devproxy.stub;

import dev.devproxy.RecordedRequest;
import dev.devproxy.Response;
import dev.devproxy.Route;
import dev.devproxy.Router;
import dev.devproxy.internal.stub.StubsAccess;
import dev.devproxy.internal.stub.Text;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.RequestHead;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A thread-safe registry of stubs that is a {@link Router}: the first registered stub that matches a request
 * answers it; when none does, the request goes to the next route. Every {@code DevProxy} has one
 * ({@code proxy.stubs()}); one can also be used on its own:
 *
 * <pre>{@code
 * Stubs stubs = new Stubs();
 * DevProxy proxy = DevProxy.builder().router(stubs.orElse(Router.standard(upstream))).build().start();
 * stubs.add(get("/api/users").willReturn(json(200, "[]")));
 * }</pre>
 *
 * <h2>Threading</h2>
 * Stubs may be added and removed from any thread while requests are matched. Matching runs on event-loop
 * threads without locks: it reads an immutable array that writers replace under a lock (copy on write), and
 * counts uses with compare-and-set, so a stub limited to N uses answers exactly N requests however many
 * arrive at once. A request matched while stubs change sees the stubs as they were when its head arrived.
 *
 * <h2>Bodies</h2>
 * The body is read before choosing only when a stub that needs it (a body matcher) has matched everything
 * else; all other requests, including those passed on to the next route, stream. When that happens, the next
 * route is asked from the head first and its answer is used if no stub matches the whole request.
 * {@code withBody(String)} and {@code withBodyContaining(String)} read the body as it streams, holding none of
 * it. The body is held, once, up to {@code maxMatchBodySize} (default 16 MiB), only when another body matcher
 * (JSON, regex, a custom predicate) or the next route (a forward, echo, a router's own {@code afterBody}) needs
 * it; a longer body is then decided on those first bytes, where such matchers do not match and the near-miss
 * report names the setting, and the next route still gets the whole body.
 */
public final class Stubs implements Router {
    /** The most unmatched requests kept for {@link #unmatchedRequests()}; older ones are dropped. */
    private static final int MAX_UNMATCHED = 100;
    /** How many of the closest stubs a report lists. */
    private static final int CLOSEST = 3;
    /**
     * What a wrong method adds to a near miss's distance, where an unrelated path adds up to 1: a stub with
     * the right path and another method ranks ahead of one with the method right and an unrelated path.
     */
    private static final double METHOD_WEIGHT = 0.5;
    private static final Set<String> OWN_FRAMES = Set.of(Stubs.class.getName(), "dev.devproxy.DevProxy",
            "dev.devproxy.junit.DevProxyExtension");

    static {
        StubsAccess.register((stubs, stub, registeredAt) -> stubs.add(stub, registeredAt));
    }

    private final Object lock = new Object();
    private volatile Entry[] entries = new Entry[0];
    private final ConcurrentLinkedQueue<UnmatchedRequest> unmatched = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unmatchedCount = new AtomicInteger();
    /** The last id given; ids are never reused, so a stale id held by a client cannot name a newer stub. */
    private final AtomicLong lastId = new AtomicLong();

    /** An empty registry. */
    public Stubs() {
    }

    /**
     * Registers {@code stub} after those already registered; it answers from the next request on.
     *
     * @param stub the stub to register
     * @return the registration, to count its uses or remove it
     */
    public RegisteredStub add(Stub stub) {
        return add(stub, callerFrame());
    }

    private RegisteredStub add(Stub stub, String registeredAt) {
        Entry entry = new Entry(this, Objects.requireNonNull(stub, "stub"), registeredAt,
                Long.toString(lastId.incrementAndGet()));
        synchronized (lock) {
            Entry[] current = entries;
            Entry[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = entry;
            entries = next;
        }
        return entry;
    }

    /**
     * Removes a registration made by this registry.
     *
     * @param stub the registration to remove
     * @return whether it was registered
     */
    public boolean remove(RegisteredStub stub) {
        synchronized (lock) {
            Entry[] current = entries;
            for (int i = 0; i < current.length; i++) {
                if (current[i] == stub) {
                    Entry[] next = new Entry[current.length - 1];
                    System.arraycopy(current, 0, next, 0, i);
                    System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                    entries = next;
                    return true;
                }
            }
            return false;
        }
    }

    /** Removes every stub and forgets the unmatched requests. */
    public void clear() {
        synchronized (lock) {
            entries = new Entry[0];
        }
        unmatched.clear();
        unmatchedCount.set(0);
    }

    /**
     * The registrations, in matching order.
     *
     * @return a snapshot of the registrations
     */
    public List<RegisteredStub> list() {
        return List.of(entries);
    }

    /**
     * The registration with {@code id}, if it is still registered.
     *
     * @param id a {@link RegisteredStub#id()}
     * @return the registration, or empty when none has that id now
     */
    public Optional<RegisteredStub> find(String id) {
        for (Entry entry : entries) {
            if (entry.id.equals(id)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    /**
     * The registrations that have answered no request, in matching order.
     *
     * @return a snapshot of the unused registrations
     */
    public List<RegisteredStub> unused() {
        List<RegisteredStub> unused = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.uses() == 0) {
                unused.add(entry);
            }
        }
        return unused;
    }

    /**
     * Checks that every registered stub answered at least one request.
     *
     * @throws AssertionError listing each unused stub, where it was registered, and what was received instead
     *     when this registry answered 404s
     */
    public void verifyAllUsed() {
        List<RegisteredStub> unused = unused();
        if (unused.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(Text.count(unused.size(), "stub")).append(unused.size() == 1
                ? " was never used:\n" : " were never used:\n");
        for (RegisteredStub stub : unused) {
            message.append("  - ").append(describe(stub)).append('\n');
        }
        List<UnmatchedRequest> missed = unmatchedRequests();
        if (!missed.isEmpty()) {
            message.append("Unmatched requests:\n");
            for (UnmatchedRequest request : missed) {
                message.append(Text.indent(request.report(), 2)).append('\n');
            }
        }
        throw new AssertionError(message.toString().stripTrailing());
    }

    /**
     * The requests that {@link #orElseNotFound()} answered 404 since the last {@link #clear()} or
     * {@link #clearUnmatched()}, oldest first; at most the last 100.
     *
     * @return a snapshot of the unmatched requests, oldest first
     */
    public List<UnmatchedRequest> unmatchedRequests() {
        return List.copyOf(unmatched);
    }

    /** Forgets the unmatched requests, keeping the stubs. */
    public void clearUnmatched() {
        unmatched.clear();
        unmatchedCount.set(0);
    }

    /**
     * Explains how the registered stubs see {@code request}: which stub answers it, or the closest stubs and,
     * for each, the conditions it misses. Does not count as a use.
     *
     * @param request the request to explain
     * @return a multi-line explanation
     */
    public String explain(RecordedRequest request) {
        Entry[] snapshot = entries;
        for (Entry entry : snapshot) {
            if (!entry.isUsedUp() && entry.matchesHead(request) && entry.matchesBody(request)) {
                return "answered by " + describe(entry);
            }
        }
        return report(request, snapshot, Entry::bodyMismatches);
    }

    /**
     * Chooses a stub for {@code request}, or {@link Route#pass()} when none matches. Use {@link #orElse} to
     * chain a next route: a stub that needs the body and misses on it can then still pass the request on,
     * where a plain pass from the body decision would be answered 404.
     */
    @Override
    public Route route(RequestHead request) {
        return decide(request, null, false);
    }

    /**
     * A router that asks these stubs first and {@code next} when none matches. When a stub needs the body,
     * {@code next} is asked before the body is read, and its answer is used only if no stub matches the
     * whole request.
     */
    @Override
    public Router orElse(Router next) {
        Objects.requireNonNull(next, "next");
        return request -> decide(request, next, false);
    }

    /**
     * A router for strict stubbing: these stubs, and a 404 for every request none matches. The 404's
     * {@code text/plain} body lists the closest stubs and why each did not match; the request is also kept
     * in {@link #unmatchedRequests()} so that a test can fail on it.
     *
     * @return a router that answers from these stubs or with 404
     */
    public Router orElseNotFound() {
        return request -> decide(request, null, true);
    }

    // ---- Matching (event-loop threads) ----------------------------------------------------------------------

    private Route decide(RequestHead head, @Nullable Router next, boolean notFound) {
        Entry[] snapshot = entries;
        if (snapshot.length == 0 && !notFound) {
            return next == null ? Route.pass() : next.route(head);
        }
        RecordedRequest view = headView(head);
        for (int i = 0; i < snapshot.length; i++) {
            Entry entry = snapshot[i];
            if (entry.isUsedUp() || !entry.matchesHead(view)) {
                continue;
            }
            if (entry.needsBody) {
                // This stub and those after it whose head conditions match decide once the body is read.
                List<Integer> candidates = new ArrayList<>();
                for (int j = i; j < snapshot.length; j++) {
                    if (j == i || (!snapshot[j].isUsedUp() && snapshot[j].matchesHead(view))) {
                        candidates.add(j);
                    }
                }
                Route fallback = next == null ? null : next.route(head);
                return Route.afterBody(new BodyDecision(this, snapshot, candidates, fallback, notFound));
            }
            int use = entry.claim();
            if (use >= 0) {
                return Route.respond(entry.stub.responseFor(use));
            }
        }
        if (notFound) {
            return notFound(view, snapshot, null);
        }
        return next == null ? Route.pass() : next.route(head);
    }

    /** Why an entry's body conditions do not hold for a request, as a report lists them. */
    @FunctionalInterface
    interface BodyMismatches {
        List<String> of(Entry entry, RecordedRequest request);
    }

    /**
     * The near-miss 404, kept in {@link #unmatchedRequests()}.
     *
     * @param body how the body conditions are reported; null when the body was not read
     */
    Route notFound(RecordedRequest request, Entry[] snapshot, @Nullable BodyMismatches body) {
        String report = report(request, snapshot, body);
        if (unmatchedCount.incrementAndGet() > MAX_UNMATCHED) {
            unmatched.poll();
            unmatchedCount.decrementAndGet();
        }
        unmatched.add(new UnmatchedRequest(request, report));
        return Route.respond(Response.newBuilder(404).header("Content-Type", "text/plain; charset=utf-8")
                .header(dev.devproxy.internal.exchange.RequestRecorder.UNMATCHED_FIELD, "true").body(report + "\n").build());
    }

    /** The near-miss report: the closest stubs first, each with the conditions the request missed. */
    private static String report(RecordedRequest request, Entry[] snapshot, @Nullable BodyMismatches body) {
        StringBuilder out = new StringBuilder("No stub matched ").append(request.method()).append(' ')
                .append(request.target());
        if (snapshot.length == 0) {
            return out.append(": no stubs are registered.").toString();
        }
        record Miss(Entry entry, double distance, int otherMisses, List<String> reasons) {
        }
        List<Miss> misses = new ArrayList<>(snapshot.length);
        for (Entry entry : snapshot) {
            List<String> reasons = new ArrayList<>(entry.headMismatches(request));
            if (entry.isUsedUp()) {
                reasons.add("used up: it already answered " + Text.count(entry.uses(), "request")
                        + " of the " + entry.stub.maxUses() + " it was limited to");
            }
            if (body != null && reasons.isEmpty()) {
                reasons.addAll(body.of(entry, request));
            }
            double distance = 0;
            int otherMisses = 0;
            for (RequestMatcher part : entry.head) {
                double away = entry.distance(part, request);
                switch (RequestMatchers.aspect(part)) {
                    case METHOD -> distance += METHOD_WEIGHT * away;
                    case PATH -> distance += away;
                    case OTHER -> otherMisses += away > 0 ? 1 : 0;
                }
            }
            otherMisses += reasons.size() - entry.headMismatches(request).size(); // used up, body
            misses.add(new Miss(entry, distance, otherMisses, reasons));
        }
        // Closest first, by similarity as WireMock ranks near misses: the method and path, the path by edit
        // distance, so that a path one typo away always ranks ahead of an unrelated one; then the number of
        // other conditions missed; ties keep their registration order.
        misses.sort(Comparator.comparingDouble(Miss::distance).thenComparingInt(Miss::otherMisses));
        int shown = Math.min(CLOSEST, misses.size());
        out.append(".\nClosest ").append(shown == 1 ? "stub" : shown + " stubs")
                .append(misses.size() > shown ? " of " + misses.size() : "").append(':');
        for (int i = 0; i < shown; i++) {
            Miss miss = misses.get(i);
            out.append("\n  ").append(i + 1).append(". ").append(describe(miss.entry()));
            for (String reason : miss.reasons()) {
                out.append("\n       - ").append(reason);
            }
        }
        return out.toString();
    }

    private static String describe(RegisteredStub stub) {
        String at = stub.registeredAt();
        return stub.stub().describe() + (at.isEmpty() ? "" : "  (registered at " + at + ")");
    }

    /** A copy of the head with an empty body: what head-only matchers read. */
    private static RecordedRequest headView(RequestHead head) {
        HeaderFields fields = head.headers();
        List<Map.Entry<String, String>> headers = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            headers.add(new AbstractMap.SimpleImmutableEntry<>(fields.name(i), fields.value(i)));
        }
        return new RecordedRequest(head.method(), head.target(), head.path(), head.query(), head.version().text(),
                headers, new byte[0], 0, "", Instant.EPOCH);
    }

    private static String callerFrame() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(frame -> !OWN_FRAMES.contains(frame.getClassName()))
                .findFirst()
                .map(frame -> frame.getFileName() == null ? frame.getClassName()
                        : frame.getFileName() + ":" + frame.getLineNumber())
                .orElse(""));
    }

    /** One registration: the stub split into head and body conditions, and its use count. */
    static final class Entry implements RegisteredStub {
        final Stubs owner;
        final Stub stub;
        final List<RequestMatcher> head;
        final List<RequestMatcher> body;
        final boolean needsBody;
        final String registeredAt;
        final String id;
        final AtomicInteger uses = new AtomicInteger();

        Entry(Stubs owner, Stub stub, String registeredAt, String id) {
            this.owner = owner;
            this.id = id;
            this.stub = stub;
            this.registeredAt = registeredAt;
            List<RequestMatcher> headParts = new ArrayList<>();
            List<RequestMatcher> bodyParts = new ArrayList<>();
            for (RequestMatcher part : RequestMatchers.parts(stub.matcher())) {
                (part.needsBody() ? bodyParts : headParts).add(part);
            }
            this.head = List.copyOf(headParts);
            this.body = List.copyOf(bodyParts);
            this.needsBody = !bodyParts.isEmpty();
        }

        /** Takes one use: its index from 0, or -1 when the stub is used up (exact under concurrency). */
        int claim() {
            int max = stub.maxUses();
            while (true) {
                int n = uses.get();
                if (n >= max) {
                    return -1;
                }
                if (uses.compareAndSet(n, n + 1)) {
                    return n;
                }
            }
        }

        boolean matchesHead(RecordedRequest request) {
            return all(head, request);
        }

        boolean matchesBody(RecordedRequest request) {
            return all(body, request);
        }

        List<String> headMismatches(RecordedRequest request) {
            return mismatches(head, request);
        }

        List<String> bodyMismatches(RecordedRequest request) {
            return mismatches(body, request);
        }

        private boolean all(List<RequestMatcher> parts, RecordedRequest request) {
            for (RequestMatcher part : parts) {
                if (!matches(part, request)) {
                    return false;
                }
            }
            return true;
        }

        /** Whether {@code part} of this stub matches, taking a matcher that throws as no match (logged). */
        boolean matches(RequestMatcher part, RecordedRequest request) {
            try {
                return part.matches(request);
            } catch (RuntimeException | AssertionError e) {
                // An AssertionError too: a matcher written with test assertions must not kill the loop.
                LogHolder.LOG.log(Level.WARNING, "matcher " + part.describe() + " of stub " + stub.describe() + " threw for "
                        + request + "; taken as no match", e);
                return false;
            }
        }

        /** {@link RequestMatchers#distance}, taking a matcher that throws as one nowhere near. */
        double distance(RequestMatcher part, RecordedRequest request) {
            try {
                return RequestMatchers.distance(part, request);
            } catch (RuntimeException | AssertionError e) {
                return 1;
            }
        }

        private List<String> mismatches(List<RequestMatcher> parts, RecordedRequest request) {
            List<String> reasons = new ArrayList<>();
            for (RequestMatcher part : parts) {
                reasons.addAll(mismatchesOf(part, request));
            }
            return reasons;
        }

        /** Why {@code part} of this stub does not match; a matcher that throws is reported as such. */
        List<String> mismatchesOf(RequestMatcher part, RecordedRequest request) {
            try {
                return part.mismatches(request);
            } catch (RuntimeException | AssertionError e) {
                return List.of(part.describe() + ": the matcher threw " + e);
            }
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Stub stub() {
            return stub;
        }

        @Override
        public int uses() {
            return uses.get();
        }

        @Override
        public boolean isUsedUp() {
            return uses.get() >= stub.maxUses();
        }

        @Override
        public String registeredAt() {
            return registeredAt;
        }

        @Override
        public void resetUses() {
            uses.set(0);
        }

        @Override
        public boolean remove() {
            return owner.remove(this);
        }

        @Override
        public String toString() {
            return describe(this) + ", used " + Text.count(uses(), "time");
        }
    }

    /** Looked up on first use: the lookup initialises the logging backend, tens of ms of a fresh JVM's start. */
    private static final class LogHolder {
        static final System.Logger LOG = System.getLogger("dev.devproxy.stub");
    }
}
