package dev.devproxy.internal.engine;

/** Something on an event loop with one deadline at a time, checked by the loop's periodic scan. */
abstract class Timed implements IoHandler {
    static final long NO_DEADLINE = Long.MIN_VALUE;

    /** When {@link #onDeadline} is due, in {@link EngineClock} nanoseconds, or {@link #NO_DEADLINE}. */
    long deadlineNanos = NO_DEADLINE;
    /** Position in the loop's list of timed items, -1 when not in it. Maintained by the loop. */
    int timedIndex = -1;

    /** Called on the loop's thread once {@code now} has passed {@link #deadlineNanos}. */
    abstract void onDeadline(long now);
}
