package dev.devproxy.internal.metrics;

import dev.devproxy.ErrorKind;
import dev.devproxy.MetricsSink;
import dev.devproxy.RouteKind;
import java.util.List;

/**
 * Fans each event out to several sinks, and keeps an exception from a user's sink from reaching the event
 * loop: it is logged (at most once a minute per sink) and swallowed.
 */
public final class GuardedMetricsSink implements MetricsSink {
    private static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

    private final MetricsSink[] sinks;
    private final long[] lastLoggedNanos;

    /** A sink that forwards to each of {@code sinks}, in order. */
    public GuardedMetricsSink(List<MetricsSink> sinks) {
        this.sinks = sinks.toArray(new MetricsSink[0]);
        this.lastLoggedNanos = new long[this.sinks.length];
    }

    @Override
    public void connectionOpened() {
        for (int i = 0; i < sinks.length; i++) {
            try {
                sinks[i].connectionOpened();
            } catch (RuntimeException | Error e) {
                failed(i, e);
            }
        }
    }

    @Override
    public void connectionClosed() {
        for (int i = 0; i < sinks.length; i++) {
            try {
                sinks[i].connectionClosed();
            } catch (RuntimeException | Error e) {
                failed(i, e);
            }
        }
    }

    @Override
    public void requestCompleted(RouteKind route, String method, int status, long durationNanos, long bytesIn,
            long bytesOut) {
        for (int i = 0; i < sinks.length; i++) {
            try {
                sinks[i].requestCompleted(route, method, status, durationNanos, bytesIn, bytesOut);
            } catch (RuntimeException | Error e) {
                failed(i, e);
            }
        }
    }

    @Override
    public void error(ErrorKind kind) {
        for (int i = 0; i < sinks.length; i++) {
            try {
                sinks[i].error(kind);
            } catch (RuntimeException | Error e) {
                failed(i, e);
            }
        }
    }

    @Override
    public void tunnelOpened() {
        for (int i = 0; i < sinks.length; i++) {
            try {
                sinks[i].tunnelOpened();
            } catch (RuntimeException | Error e) {
                failed(i, e);
            }
        }
    }

    @Override
    public void tunnelBytes(long fromClient, long fromUpstream) {
        for (int i = 0; i < sinks.length; i++) {
            try {
                sinks[i].tunnelBytes(fromClient, fromUpstream);
            } catch (RuntimeException | Error e) {
                failed(i, e);
            }
        }
    }

    @Override
    public void tunnelClosed() {
        for (int i = 0; i < sinks.length; i++) {
            try {
                sinks[i].tunnelClosed();
            } catch (RuntimeException | Error e) {
                failed(i, e);
            }
        }
    }

    /** Errors too: an AssertionError from a sink written with test assertions must not kill an event loop. */
    private void failed(int index, Throwable e) {
        // A racy check is fine: at worst two loops both log the same failure.
        long now = System.nanoTime();
        if (lastLoggedNanos[index] == 0 || now - lastLoggedNanos[index] > LOG_INTERVAL_NANOS) {
            lastLoggedNanos[index] = now;
            LogHolder.LOG.log(System.Logger.Level.WARNING, "metrics sink " + sinks[index].getClass().getName()
                    + " threw; ignoring its failures for a minute", e);
        }
    }

    /** Looked up on first use: the lookup initialises the logging backend, tens of ms of a fresh JVM's start. */
    private static final class LogHolder {
        static final System.Logger LOG = System.getLogger(GuardedMetricsSink.class.getName());
    }
}
