package dev.devproxy.internal.loop;

/** Something on an event loop with one deadline at a time, checked by the loop's periodic scan. */
public abstract class Timed {
    public static final long NO_DEADLINE = Long.MIN_VALUE;

    /** When {@link #onDeadline} is due, in {@link EngineClock} nanoseconds, or {@link #NO_DEADLINE}. */
    protected long deadlineNanos = NO_DEADLINE;
    /** Position in the loop's list of timed items, -1 when not in it. Maintained by the loop. */
    int timedIndex = -1;

    /** Called on the loop's thread once {@code now} has passed {@link #deadlineNanos}. */
    protected abstract void onDeadline(long now);

    /** Closes for good, because the loop is shutting down or a handler failed unexpectedly. */
    public abstract void forceClose();

    /** The current deadline, or {@link #NO_DEADLINE}; for tests and scans. */
    public final long deadlineNanos() {
        return deadlineNanos;
    }
}
