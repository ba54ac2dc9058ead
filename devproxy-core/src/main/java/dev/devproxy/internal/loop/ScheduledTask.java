package dev.devproxy.internal.loop;

/** A task an {@link EventLoop} runs at a time; see {@link EventLoop#schedule}. Loop thread only. */
public final class ScheduledTask implements Comparable<ScheduledTask> {
    final long dueNanos;
    final long sequence;
    final Runnable task;
    boolean cancelled;

    ScheduledTask(long dueNanos, long sequence, Runnable task) {
        this.dueNanos = dueNanos;
        this.sequence = sequence;
        this.task = task;
    }

    /** Keeps the task from running, if it has not run yet. */
    public void cancel() {
        cancelled = true;
    }

    @Override
    public int compareTo(ScheduledTask other) {
        long byTime = dueNanos - other.dueNanos;
        if (byTime != 0) {
            return byTime < 0 ? -1 : 1;
        }
        return Long.compare(sequence, other.sequence);
    }
}
