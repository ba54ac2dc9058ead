package dev.devproxy.internal.stub;

import dev.devproxy.RecordedRequest;
import dev.devproxy.RecordedResponse;
import dev.devproxy.RouteKind;
import dev.devproxy.internal.exchange.RequestRecorder;
import dev.devproxy.stub.JournalEntry;
import dev.devproxy.stub.RequestJournal;
import dev.devproxy.stub.RequestMatcher;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The {@link RequestJournal} of a proxy: a ring of the last {@code capacity} entries holding at most
 * {@code maxBytes} of bodies (requests' and responses' together), fed by the engine as a {@link RequestRecorder}.
 *
 * <p>The engine opens an entry as soon as a request's head is parsed, updates it once the body has arrived,
 * and fills in the outcome when the request ends (before the flush that hands the response's last byte to the
 * client). So a request is in the journal before anything answers it, and reads never wait for responses.
 * Each update replaces the slot's {@link JournalEntry}, an immutable record, so readers see whole snapshots.
 *
 * <p>One monitor guards the state; the engine holds it only to append or replace an entry, so event loops
 * never wait long.
 */
public final class BoundedJournal implements RequestJournal, RequestRecorder {
    /** The default {@link #capacity()}: enough for any one test, small enough to never matter. */
    public static final int DEFAULT_CAPACITY = 1000;
    /** The default {@link #maxBodyBytes()}: 64 KiB, so 1000 entries hold at most 64 MiB of bodies. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    /** The default {@link #maxResponseBodyBytes()}: 64 KiB, as for requests. */
    public static final int DEFAULT_MAX_RESPONSE_BODY_BYTES = 64 * 1024;
    /** The default {@link #maxBytes()}: 64 MiB of bodies in all, whatever the entry count. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    /** The most requests a failure message lists. */
    private static final int LISTED = 20;

    private final int capacity;
    private final int maxBodyBytes;
    private final int maxResponseBodyBytes;
    private final long maxBytes;

    // Guarded by this.
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private long nextSequence;
    private long nextToTake;
    private long dropped;
    private boolean everCleared;
    /** The body bytes the kept entries hold, requests and responses. */
    private long bytesKept;
    /** Whether an entry was dropped for the byte bound, not only the count: failure messages say which. */
    private boolean droppedForBytes;

    /** One request's place in the ring; its entry is replaced, under the journal's monitor, as the request goes on. */
    private final class Slot implements Recording {
        final long sequence;
        /** Guarded by the journal; a whole immutable snapshot. */
        JournalEntry entry;
        /** Whether the request's body has arrived in full (or the request ended): what takeRequest waits for. */
        boolean requestComplete;
        /** Whether the slot is still in the ring; one dropped or cleared is updated but no longer counted. */
        boolean kept = true;

        Slot(long sequence, JournalEntry entry) {
            this.sequence = sequence;
            this.entry = entry;
        }

        @Override
        public void update(RecordedRequest request, RouteKind route, int status, long durationNanos,
                boolean unmatched, @Nullable String rejection, boolean ended, @Nullable RecordedResponse response,
                long firstByteNanos, long bytesIn, long bytesOut) {
            JournalEntry next = new JournalEntry(request, route, status, Duration.ofNanos(durationNanos), unmatched,
                    rejection, !ended, response, firstByteNanos < 0 ? null : Duration.ofNanos(firstByteNanos),
                    bytesIn, bytesOut);
            synchronized (BoundedJournal.this) {
                if (kept) {
                    bytesKept += size(next) - size(entry);
                }
                entry = next;
                requestComplete = true;
                trim();
                BoundedJournal.this.notifyAll();
            }
        }
    }

    /**
     * An empty journal.
     *
     * @param capacity the most entries kept, at least 1
     * @param maxBodyBytes the most body bytes kept per entry, at least 0
     */
    public BoundedJournal(int capacity, int maxBodyBytes) {
        this(capacity, maxBodyBytes, DEFAULT_MAX_RESPONSE_BODY_BYTES, DEFAULT_MAX_BYTES);
    }

    /**
     * An empty journal.
     *
     * @param capacity the most entries kept, at least 1
     * @param maxBodyBytes the most request body bytes kept per entry, at least 0
     * @param maxResponseBodyBytes the most response body bytes kept per entry, at least 0
     * @param maxBytes the most body bytes kept in all entries together, at least 1; the oldest entries are
     *     dropped first, the newest always kept
     */
    public BoundedJournal(int capacity, int maxBodyBytes, int maxResponseBodyBytes, long maxBytes) {
        if (capacity < 1) {
            throw new IllegalArgumentException("journal capacity must be at least 1, was " + capacity);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("journal body bytes must be at least 0, was " + maxBodyBytes);
        }
        if (maxResponseBodyBytes < 0) {
            throw new IllegalArgumentException("journal response body bytes must be at least 0, was "
                    + maxResponseBodyBytes);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("journal bytes must be at least 1, was " + maxBytes);
        }
        this.capacity = capacity;
        this.maxBodyBytes = maxBodyBytes;
        this.maxResponseBodyBytes = maxResponseBodyBytes;
        this.maxBytes = maxBytes;
    }

    @Override
    public int maxResponseBodyBytes() {
        return maxResponseBodyBytes;
    }

    @Override
    public long maxBytes() {
        return maxBytes;
    }

    /** What an entry counts against {@link #maxBytes()}: the bodies it holds. */
    private static long size(JournalEntry entry) {
        RecordedResponse response = entry.response();
        return entry.request().body().length + (response == null ? 0 : response.body().length);
    }

    /** Drops the oldest entries while over either bound; the newest stays. Holds this. */
    private void trim() {
        while (slots.size() > 1 && (slots.size() > capacity || bytesKept > maxBytes)) {
            droppedForBytes |= slots.size() <= capacity;
            Slot oldest = slots.removeFirst();
            oldest.kept = false;
            bytesKept -= size(oldest.entry);
            dropped++;
        }
    }

    // ---- RequestRecorder (event-loop threads) ---------------------------------------------------------------

    @Override
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    @Override
    public Recording received(RecordedRequest request) {
        JournalEntry entry = new JournalEntry(request, RouteKind.REJECT, 0, Duration.ZERO, false, null, true, null,
                null, 0, 0);
        synchronized (this) {
            Slot slot = new Slot(nextSequence++, entry);
            slots.addLast(slot);
            bytesKept += size(entry);
            trim();
            notifyAll();
            return slot;
        }
    }

    // ---- RequestJournal -------------------------------------------------------------------------------------

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public synchronized List<JournalEntry> all() {
        return entries();
    }

    @Override
    public synchronized List<JournalEntry> find(RequestMatcher matcher) {
        List<JournalEntry> found = new ArrayList<>();
        for (Slot slot : slots) {
            if (matcher.matches(slot.entry.request())) {
                found.add(slot.entry);
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
            // The oldest request not taken, once its body is in: a request is taken whole. A later one whose
            // body arrived first waits its turn, so requests are taken in the order they arrived.
            for (Slot slot : slots) {
                if (slot.sequence >= nextToTake) {
                    if (!slot.requestComplete) {
                        break;
                    }
                    nextToTake = slot.sequence + 1;
                    return slot.entry;
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
                // A request is handed over whole: one whose body is still arriving is matched once it is in.
                if (slot.requestComplete && matcher.matches(slot.entry.request())) {
                    return slot.entry;
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
            if (matcher.matches(slot.entry.request())) {
                matched++;
            }
        }
        return matched;
    }

    @Override
    public synchronized void clear() {
        for (Slot slot : slots) {
            slot.kept = false; // a request in flight now updates a slot no longer listed, so it stays forgotten
        }
        slots.clear();
        bytesKept = 0;
        droppedForBytes = false;
        dropped = 0;
        nextToTake = nextSequence;
        everCleared = true;
    }

    /** The entries kept now, without waiting; for reports made while holding the monitor. */
    private List<JournalEntry> entries() {
        List<JournalEntry> all = new ArrayList<>(slots.size());
        for (Slot slot : slots) {
            all.add(slot.entry);
        }
        return all;
    }

    private synchronized void check(RequestMatcher matcher, int times) {
        int matched = 0;
        for (Slot slot : slots) {
            if (matcher.matches(slot.entry.request())) {
                matched++;
            }
        }
        boolean ok = times < 0 ? matched > 0 : matched == times;
        if (!ok) {
            throw new AssertionError(verificationFailure(matcher, times, matched));
        }
    }

    /**
     * The outcome of a verification with any expectation, as the admin API asks for it: how many kept entries
     * {@code matcher} matches and, when {@code ok} rejects that count, the report a failed {@code verify} gives
     * (every request received, each with the conditions it missed), counted and written under one lock.
     *
     * @param matched the entries matched
     * @param report the near-miss report, or null when the count is as expected
     */
    public record Verification(int matched, @Nullable String report) {
    }

    /**
     * Counts the entries {@code matcher} matches and reports them when {@code ok} rejects the count.
     *
     * @param expectation what was expected, for the report, such as {@code at least 2 requests}
     */
    public synchronized Verification verification(RequestMatcher matcher, java.util.function.IntPredicate ok,
            String expectation) {
        int matched = matching(matcher);
        if (ok.test(matched)) {
            return new Verification(matched, null);
        }
        StringBuilder out = new StringBuilder("Expected ").append(expectation).append(" matching ")
                .append(matcher.describe()).append(", but received ").append(matched).append('.');
        appendReceived(out, matcher);
        return new Verification(matched, out.toString());
    }

    private String verificationFailure(RequestMatcher matcher, int times, int matched) {
        StringBuilder out = new StringBuilder("Expected ");
        if (times < 0) {
            out.append("at least one request matching ").append(matcher.describe()).append(", but none was received.");
        } else {
            out.append(times == 0 ? "no request" : "exactly " + Text.count(times, "request")).append(" matching ")
                    .append(matcher.describe()).append(", but received ").append(matched).append('.');
        }
        appendReceived(out, matcher);
        return out.toString();
    }

    /** Every request kept, each with the conditions of {@code matcher} it missed, and the journal's notes. */
    private void appendReceived(StringBuilder out, RequestMatcher matcher) {
        List<JournalEntry> all = entries();
        if (all.isEmpty()) {
            out.append("\nThe proxy recorded no requests").append(everCleared ? " since the last reset." : ".");
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
            out.append("\n(The journal keeps the last ").append(capacity).append(" requests")
                    .append(droppedForBytes ? " and at most " + maxBytes + " body bytes; " : "; ")
                    .append(Text.count(dropped, "older request")).append(dropped == 1 ? " was" : " were")
                    .append(" dropped.)");
        }
        long inFlight = 0;
        for (Slot slot : slots) {
            if (slot.entry.inFlight()) {
                inFlight++;
            }
        }
        if (inFlight > 0) {
            out.append("\n(").append(Text.count(inFlight, "request")).append(inFlight == 1 ? " was" : " were")
                    .append(" still in flight, listed without a status: a delayed stub, a body still arriving,"
                            + " or an upstream that has not finished.)");
        }
    }
}
