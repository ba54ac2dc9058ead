package dev.devproxy.internal.stub;

import dev.devproxy.RecordedRequest;
import dev.devproxy.Response;
import dev.devproxy.Route;
import dev.devproxy.RouteKind;
import dev.devproxy.Router;
import dev.devproxy.internal.exchange.RequestRecorder;
import dev.devproxy.parser.HeaderFields;
import dev.devproxy.parser.RequestHead;
import dev.devproxy.stub.JournalEntry;
import dev.devproxy.stub.RequestJournal;
import dev.devproxy.stub.RequestMatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link RequestJournal} of a proxy: a ring of the last {@code capacity} entries, fed by the engine as a
 * {@link RequestRecorder}.
 *
 * <p>The engine records a request after its response is written, so a client can hold its response a few
 * microseconds before the request is recorded. To close that gap, the router is wrapped by {@link #counting}
 * to count requests as they are routed; reads wait (bounded) until as many have been recorded as had been
 * routed when the read began. Every routed request is recorded exactly once, answered or not.
 *
 * <p>Requests no stub matched are told apart by their response, which carries
 * {@value #UNMATCHED_HEADER}: when the router answers with one, the request's method, target and header fields
 * are kept, and the next 404 recorded with the same ones is marked unmatched. Two such requests are alike in
 * all but timing, so which of them gets the mark cannot matter. (The engine's request outcome, once it
 * carries the route's own decision, will make this bookkeeping unnecessary.)
 *
 * <p>One monitor guards the state; {@link #record} holds it only to append, so event loops never wait long.
 */
public final class BoundedJournal implements RequestJournal, RequestRecorder {
    /** The default {@link #capacity()}: enough for any one test, small enough to never matter. */
    public static final int DEFAULT_CAPACITY = 1000;
    /** The default {@link #maxBodyBytes()}: 64 KiB, so 1000 entries hold at most 64 MiB of bodies. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    /** The longest a read waits for requests in flight. */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The most requests a failure message lists. */
    private static final int LISTED = 20;
    /** The response field of the 404 that {@code Stubs.orElseNotFound()} answers an unmatched request with. */
    public static final String UNMATCHED_HEADER = "X-DevProxy-Unmatched";
    /** The most unmatched requests awaiting their record; more means their responses never completed. */
    private static final int MAX_PENDING_UNMATCHED = 100;

    private final int capacity;
    private final int maxBodyBytes;
    private final AtomicLong routed = new AtomicLong();

    // Guarded by this.
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private long recorded;
    private long nextSequence;
    private long nextToTake;
    private long dropped;
    private Instant clearedAt = Instant.EPOCH;
    /** Keys of requests answered as unmatched and not yet recorded, oldest first. */
    private final ArrayDeque<String> pendingUnmatched = new ArrayDeque<>();

    private record Slot(long sequence, JournalEntry entry) {
    }

    /**
     * An empty journal.
     *
     * @param capacity the most entries kept, at least 1
     * @param maxBodyBytes the most body bytes kept per entry, at least 0
     */
    public BoundedJournal(int capacity, int maxBodyBytes) {
        if (capacity < 1) {
            throw new IllegalArgumentException("journal capacity must be at least 1, was " + capacity);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("journal body bytes must be at least 0, was " + maxBodyBytes);
        }
        this.capacity = capacity;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** {@code router}, counting each request it routes, so that reads can wait for those in flight. */
    public Router counting(Router router) {
        return request -> {
            routed.incrementAndGet();
            return watchUnmatched(request, router.route(request));
        };
    }

    /** {@code route}, noting the request when it is the 404 of an unmatched one, now or after the body. */
    private Route watchUnmatched(RequestHead head, Route route) {
        if (route instanceof Route.AfterBody afterBody) {
            return Route.afterBody(request -> {
                Route decided = afterBody.decide().apply(request);
                if (isUnmatched(decided)) {
                    expectUnmatched(key(request.method(), request.target(), request.headers()));
                }
                return decided;
            });
        }
        if (isUnmatched(route)) {
            HeaderFields fields = head.headers();
            List<Map.Entry<String, String>> headers = new ArrayList<>(fields.size());
            for (int i = 0; i < fields.size(); i++) {
                headers.add(Map.entry(fields.name(i), fields.value(i)));
            }
            expectUnmatched(key(head.method(), head.target(), headers));
        }
        return route;
    }

    private static boolean isUnmatched(Route route) {
        if (!(route instanceof Route.Respond respond)) {
            return false;
        }
        Response response = respond.response();
        if (response.status() != 404) {
            return false;
        }
        for (Map.Entry<String, String> field : response.headers()) {
            if (field.getKey().equalsIgnoreCase(UNMATCHED_HEADER)) {
                return true;
            }
        }
        return false;
    }

    private static String key(String method, String target, List<Map.Entry<String, String>> headers) {
        StringBuilder key = new StringBuilder(method).append(' ').append(target);
        for (Map.Entry<String, String> field : headers) {
            key.append('\n').append(field.getKey()).append(':').append(field.getValue());
        }
        return key.toString();
    }

    private synchronized void expectUnmatched(String key) {
        if (pendingUnmatched.size() == MAX_PENDING_UNMATCHED) {
            pendingUnmatched.removeFirst();
        }
        pendingUnmatched.addLast(key);
    }

    /** Whether {@code request}, answered {@code status}, is one noted as unmatched; takes the note. Holds this. */
    private boolean takeUnmatched(RecordedRequest request, RouteKind route, int status) {
        if (status != 404 || route != RouteKind.RESPOND || pendingUnmatched.isEmpty()) {
            return false;
        }
        return pendingUnmatched.removeFirstOccurrence(key(request.method(), request.target(), request.headers()));
    }

    // ---- RequestRecorder (event-loop threads) ---------------------------------------------------------------

    @Override
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    @Override
    public void record(RecordedRequest request, RouteKind route, int status, long durationNanos) {
        synchronized (this) {
            JournalEntry entry = new JournalEntry(request, route, status, Duration.ofNanos(durationNanos),
                    takeUnmatched(request, route, status));
            recorded++;
            // A request that began before clear() belongs to what was cleared (an earlier test, say).
            if (!request.receivedAt().isBefore(clearedAt)) {
                slots.addLast(new Slot(nextSequence++, entry));
                if (slots.size() > capacity) {
                    slots.removeFirst();
                    dropped++;
                }
            }
            notifyAll();
        }
    }

    // ---- RequestJournal -------------------------------------------------------------------------------------

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public synchronized List<JournalEntry> all() {
        settle();
        return entries();
    }

    @Override
    public synchronized List<JournalEntry> find(RequestMatcher matcher) {
        settle();
        List<JournalEntry> found = new ArrayList<>();
        for (Slot slot : slots) {
            if (matcher.matches(slot.entry().request())) {
                found.add(slot.entry());
            }
        }
        return found;
    }

    @Override
    public int count(RequestMatcher matcher) {
        return find(matcher).size();
    }

    @Override
    public synchronized JournalEntry takeRequest(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Slot slot : slots) {
                if (slot.sequence() >= nextToTake) {
                    nextToTake = slot.sequence() + 1;
                    return slot.entry();
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(noRequestTaken(timeout));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public void verify(RequestMatcher matcher) {
        check(matcher, -1);
    }

    @Override
    public void verify(int times, RequestMatcher matcher) {
        if (times < 0) {
            throw new IllegalArgumentException("times must be at least 0, was " + times);
        }
        check(matcher, times);
    }

    @Override
    public synchronized JournalEntry awaitRequest(RequestMatcher matcher, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Slot slot : slots) {
                if (matcher.matches(slot.entry().request())) {
                    return slot.entry();
                }
            }
            if (!waitUntil(deadline)) {
                throw new AssertionError(verificationFailure(matcher, -1, 0)
                        .replaceFirst("^Expected at least one request", "Waited " + timeout.toMillis()
                                + " ms for a request"));
            }
        }
    }

    @Override
    public synchronized void verify(int times, RequestMatcher matcher, Duration timeout) {
        if (times < 0) {
            throw new IllegalArgumentException("times must be at least 0, was " + times);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((times == 0 || matching(matcher) < times) && waitUntil(deadline)) {
            // each record() wakes this up to count again
        }
        check(matcher, times);
    }

    /** Waits on this for a record, at most until {@code deadline}; false once the deadline has passed. */
    private boolean waitUntil(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(this, left);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller's check then fails with what is there
            return false;
        }
    }

    private int matching(RequestMatcher matcher) {
        int matched = 0;
        for (Slot slot : slots) {
            if (matcher.matches(slot.entry().request())) {
                matched++;
            }
        }
        return matched;
    }

    @Override
    public synchronized void clear() {
        slots.clear();
        pendingUnmatched.clear();
        dropped = 0;
        nextToTake = nextSequence;
        clearedAt = Instant.now();
    }

    /** The entries kept now, without waiting; for reports made while holding the monitor. */
    private List<JournalEntry> entries() {
        List<JournalEntry> all = new ArrayList<>(slots.size());
        for (Slot slot : slots) {
            all.add(slot.entry());
        }
        return all;
    }

    /** Waits, at most {@link #SETTLE_NANOS}, until every request routed before now has been recorded. */
    private void settle() {
        long target = routed.get();
        long deadline = System.nanoTime() + SETTLE_NANOS;
        while (recorded < target) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // answer with what is there; the caller sees the flag
                return;
            }
        }
    }

    private synchronized void check(RequestMatcher matcher, int times) {
        settle();
        int matched = 0;
        for (Slot slot : slots) {
            if (matcher.matches(slot.entry().request())) {
                matched++;
            }
        }
        boolean ok = times < 0 ? matched > 0 : matched == times;
        if (!ok) {
            throw new AssertionError(verificationFailure(matcher, times, matched));
        }
    }

    private String verificationFailure(RequestMatcher matcher, int times, int matched) {
        StringBuilder out = new StringBuilder("Expected ");
        if (times < 0) {
            out.append("at least one request matching ").append(matcher.describe()).append(", but none was received.");
        } else {
            out.append(times == 0 ? "no request" : "exactly " + Text.count(times, "request")).append(" matching ")
                    .append(matcher.describe()).append(", but received ").append(matched).append('.');
        }
        List<JournalEntry> all = entries();
        if (all.isEmpty()) {
            out.append("\nThe proxy recorded no requests").append(clearedAt.equals(Instant.EPOCH) ? "." : " since the last reset.");
        } else {
            out.append("\nReceived ").append(Text.count(all.size(), "request")).append(':');
            int first = Math.max(0, all.size() - LISTED);
            if (first > 0) {
                out.append("\n  (").append(first).append(" earlier not shown)");
            }
            for (int i = first; i < all.size(); i++) {
                JournalEntry entry = all.get(i);
                List<String> reasons = mismatchesOf(matcher, entry);
                out.append("\n  ").append(i + 1).append(". ").append(entry)
                        .append(reasons.isEmpty() ? "  <- matches" : "");
                for (String reason : reasons) {
                    out.append("\n       - ").append(reason);
                }
            }
        }
        appendNotes(out);
        return out.toString();
    }

    private static List<String> mismatchesOf(RequestMatcher matcher, JournalEntry entry) {
        try {
            return matcher.mismatches(entry.request());
        } catch (RuntimeException e) {
            return List.of("the matcher threw " + e);
        }
    }

    private String noRequestTaken(Duration timeout) {
        StringBuilder out = new StringBuilder("No request arrived within ").append(timeout.toMillis()).append(" ms");
        List<JournalEntry> all = entries();
        if (all.isEmpty()) {
            out.append(", and none arrived before.");
        } else {
            out.append("; the ").append(Text.count(all.size(), "request"))
                    .append(all.size() == 1 ? " that arrived before was" : " that arrived before were")
                    .append(" already taken:");
            int first = Math.max(0, all.size() - LISTED);
            for (int i = first; i < all.size(); i++) {
                out.append("\n  ").append(i + 1).append(". ").append(all.get(i));
            }
        }
        appendNotes(out);
        return out.toString();
    }

    private void appendNotes(StringBuilder out) {
        if (dropped > 0) {
            out.append("\n(The journal keeps the last ").append(capacity).append(" requests; ")
                    .append(Text.count(dropped, "older request")).append(dropped == 1 ? " was" : " were")
                    .append(" dropped.)");
        }
        long inFlight = routed.get() - recorded;
        if (inFlight > 0) {
            out.append("\n(").append(Text.count(inFlight, "request")).append(inFlight == 1 ? " was" : " were")
                    .append(" still being answered, so not yet in the journal: a delayed stub, or an upstream that"
                            + " has not finished.)");
        }
    }
}
