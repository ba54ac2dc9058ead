package dev.devproxy.stub;

import java.time.Duration;
import java.util.List;

/**
 * The requests a proxy answered, oldest first, in a bounded buffer: to list, find, count, take one at a time,
 * and verify. Every {@code DevProxy} keeps one unless built with {@code journalCapacity(0)}; by default it
 * keeps the last 1000 requests and the first 64 KiB of each body ({@code DevProxy.Builder.journalCapacity}
 * and {@code journalBodyBytes}). Thread-safe.
 *
 * <h2>When a request appears</h2>
 * A request is recorded once its response has been sent, or its connection closed without one (then with
 * status 0). So that a check made right after a client got its response always finds that request, every
 * reading method first waits, at most 2 s, for the requests the proxy had begun answering when it was
 * called; the wait is a handoff from the event loop, not a sleep, and is nothing when no request is in
 * flight. A stub with a long delay still in flight when time runs out is reported as such in failure
 * messages.
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
     * Takes the oldest request not taken yet, waiting up to {@code timeout} for one to arrive: for clients
     * that send asynchronously. Each request is taken once; {@link #clear()} starts over. Does not remove the
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
     * The oldest request kept that {@code matcher} matches, waiting up to {@code timeout} for one to arrive:
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

    /** Forgets every request, including those in flight now when they finish, and resets {@link #takeRequest}. */
    void clear();
}
