package dev.devproxy.stub;

import java.time.Duration;
import java.util.List;

/**
 * The requests a proxy answered, oldest first, in a bounded buffer: to list, find, count, take one at a time,
 * and verify. Every {@code DevProxy} keeps one unless built with {@code journalCapacity(0)}; by default it
 * keeps the last 1000 exchanges, the first 64 KiB of each request and response body and 64 MiB of bodies in
 * all ({@code DevProxy.Builder.journalCapacity}, {@code journalBodyBytes}, {@code journalResponseBodyBytes}
 * and {@code journalMaxBytes}). Thread-safe.
 *
 * <h2>When a request appears</h2>
 * A request is in the journal from the moment its head is parsed, before anything answers it, and its entry
 * is brought up to date when its body has arrived and when it ends (its status and duration filled in). The
 * outcome is recorded as soon as the whole response is handed to the connection, before the client can read
 * its last byte, so a check made right after a client got its response finds the request complete. Reads
 * never wait; a request still in flight (a delayed stub, an upstream that has not finished) is listed with
 * {@link JournalEntry#inFlight()} true and status 0. Requests the proxy refused itself (a malformed request,
 * a body over {@code maxBodySize}, a timeout) are journalled too, with {@link JournalEntry#rejection()}
 * saying why.
 *
 * <h2>Failure messages</h2>
 * {@link #verify} and {@link #takeRequest} throw {@link AssertionError}s that list what was received instead,
 * each request with the conditions it missed, so that a failing test says what happened.
 */
public interface RequestJournal {

    /**
     * The most requests kept; older ones are dropped, and counted in failure messages.
     *
     * @return the capacity, at least 1
     */
    int capacity();

    /**
     * The most body bytes kept per request; the rest is counted in the request's body length.
     *
     * @return the body cap in bytes, 0 or more
     */
    int maxBodyBytes();

    /**
     * The most response body bytes kept per exchange; the rest is counted in the response's body length.
     *
     * @return the response body cap in bytes, 0 or more
     */
    default int maxResponseBodyBytes() {
        return maxBodyBytes();
    }

    /**
     * The most body bytes, requests and responses, kept in all entries together; beyond it the oldest entries
     * are dropped, as beyond {@link #capacity()}.
     *
     * @return the bound in bytes
     */
    default long maxBytes() {
        return Long.MAX_VALUE;
    }

    /**
     * Every request kept, oldest first.
     *
     * @return the kept requests, oldest first
     */
    List<JournalEntry> all();

    /**
     * The requests kept that {@code matcher} matches, oldest first.
     *
     * @param matcher what a request must match
     * @return the matching requests, oldest first; empty when none matched
     */
    List<JournalEntry> find(RequestMatcher matcher);

    /**
     * How many requests kept {@code matcher} matches.
     *
     * @param matcher what a request must match
     * @return the number of kept requests that match
     */
    int count(RequestMatcher matcher);

    /**
     * Takes the oldest request not taken yet, waiting up to {@code timeout} for one to arrive (its body in
     * full, its response possibly still to come): for clients that send asynchronously. Each request is taken once; {@link #clear()} starts over. Does not remove the
     * request from {@link #all()}.
     *
     * @param timeout the longest time to wait
     * @return the oldest request not taken before
     * @throws AssertionError when none arrives in time, saying how many arrived and were taken before
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    JournalEntry takeRequest(Duration timeout) throws InterruptedException;

    /**
     * Checks that at least one request matched {@code matcher}.
     *
     * @param matcher what a request must match
     * @throws AssertionError when none did, listing the requests received and why each did not match
     */
    void verify(RequestMatcher matcher);

    /**
     * Checks that exactly {@code times} requests matched {@code matcher}; {@code verify(0, m)} checks none did.
     *
     * @param times the expected number of matching requests, 0 or more
     * @param matcher what a request must match
     * @throws AssertionError when the count differs, listing the requests received and why each did or did not
     *     match
     * @throws IllegalArgumentException when {@code times} is negative
     */
    void verify(int times, RequestMatcher matcher);

    /**
     * The oldest request kept that {@code matcher} matches, waiting up to {@code timeout} for one to arrive
     * (its body in full, its response possibly still to come):
     * for clients that send in the background. Unlike {@link #takeRequest}, it takes nothing: asking twice
     * answers the same request.
     *
     * @param matcher what the request must match
     * @param timeout the longest time to wait
     * @return the oldest matching request
     * @throws AssertionError when none arrives in time (or the thread is interrupted while waiting, its
     *     interrupt status then set), listing the requests received and why each did not match
     */
    JournalEntry awaitRequest(RequestMatcher matcher, Duration timeout);

    /**
     * Checks that exactly {@code times} requests matched {@code matcher}, first waiting up to {@code timeout}
     * until that many have arrived: for clients that send in the background. It returns as soon as
     * {@code times} have; with {@code times} 0 it waits the whole timeout, so that a late request fails it.
     *
     * @param times the expected number of matching requests, 0 or more
     * @param matcher what a request must match
     * @param timeout the longest time to wait
     * @throws AssertionError when the count differs once the wait is over (or the thread is interrupted while
     *     waiting, its interrupt status then set), listing the requests received
     * @throws IllegalArgumentException when {@code times} is negative
     */
    void verify(int times, RequestMatcher matcher, Duration timeout);

    /**
     * The entries recorded so far as an HTTP Archive (HAR 1.2), for a browser's developer tools or any HAR
     * viewer; see {@link Har}.
     *
     * @return the archive's JSON text
     */
    default String toHar() {
        return Har.write(all());
    }

    /** Forgets every request, including those in flight now when they finish, and resets {@link #takeRequest}. */
    void clear();
}
