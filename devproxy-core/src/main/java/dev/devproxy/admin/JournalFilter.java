package dev.devproxy.admin;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which journal entries {@link DevProxyAdmin#journal(JournalFilter)} asks for: {@code JournalFilter.all()},
 * narrowed with the {@code with...} methods. Immutable.
 *
 * @param method the exact method, or null for any
 * @param path the exact path, or a glob ({@code /api/*}, {@code /static/**}) when it has {@code *} or {@code ?};
 *     null for any
 * @param status the status sent (0 for in flight or no response), or -1 for any
 * @param since only entries received at or after this instant, or null for all
 * @param limit only the newest this many, or 0 for no limit
 */
public record JournalFilter(@Nullable String method, @Nullable String path, int status, @Nullable Instant since,
        int limit) {
    /**
     * Checks the ranges.
     *
     * @param method the exact method, or null
     * @param path the path or glob, or null
     * @param status 0 to 599, or -1 for any
     * @param since the earliest receipt, or null
     * @param limit 1 or more, or 0 for none
     * @throws IllegalArgumentException when {@code status} or {@code limit} is out of range
     */
    public JournalFilter {
        if (status < -1 || status > 599) {
            throw new IllegalArgumentException("status must be 0 to 599, or -1 for any, was " + status);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 1 or more, or 0 for none, was " + limit);
        }
    }

    /**
     * Every entry the journal keeps.
     *
     * @return a filter that keeps everything
     */
    public static JournalFilter all() {
        return new JournalFilter(null, null, -1, null, 0);
    }

    /**
     * This filter, keeping only requests with exactly {@code method}.
     *
     * @param method the method, such as {@code GET}
     * @return a new filter
     */
    public JournalFilter withMethod(String method) {
        return new JournalFilter(Objects.requireNonNull(method, "method"), path, status, since, limit);
    }

    /**
     * This filter, keeping only requests to {@code path} (a glob when it has {@code *} or {@code ?}).
     *
     * @param path the path or glob, starting with {@code /}
     * @return a new filter
     */
    public JournalFilter withPath(String path) {
        return new JournalFilter(method, Objects.requireNonNull(path, "path"), status, since, limit);
    }

    /**
     * This filter, keeping only requests answered with {@code status}.
     *
     * @param status 0 to 599; 0 for in flight or no response
     * @return a new filter
     */
    public JournalFilter withStatus(int status) {
        return new JournalFilter(method, path, status, since, limit);
    }

    /**
     * This filter, keeping only requests received at or after {@code since}.
     *
     * @param since the earliest receipt
     * @return a new filter
     */
    public JournalFilter withSince(Instant since) {
        return new JournalFilter(method, path, status, Objects.requireNonNull(since, "since"), limit);
    }

    /**
     * This filter, keeping only the newest {@code limit} of the entries it matches.
     *
     * @param limit 1 or more
     * @return a new filter
     */
    public JournalFilter withLimit(int limit) {
        return new JournalFilter(method, path, status, since, limit);
    }
}
