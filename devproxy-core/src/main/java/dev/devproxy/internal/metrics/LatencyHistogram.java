package dev.devproxy.internal.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A fixed-bucket histogram of durations, recorded without locks from any thread.
 *
 * <p>The bounds are Prometheus' customary latency buckets, extended down to 100 µs since a local proxy
 * answers far below a millisecond. Each bucket counts only its own range; {@link #cumulativeCount} adds
 * them up at render time, which keeps recording to two adds.
 */
final class LatencyHistogram {
    /** Upper bounds in seconds, as rendered in the {@code le} label. */
    static final double[] BOUNDS_SECONDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };
    /** The bounds as {@code le} label values, in plain decimal ({@code 0.0001}, not {@code 1.0E-4}). */
    static final String[] BOUND_LABELS = new String[BOUNDS_SECONDS.length];
    private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length];

    static {
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS_SECONDS[i] * 1e9);
            BOUND_LABELS[i] = java.math.BigDecimal.valueOf(BOUNDS_SECONDS[i]).stripTrailingZeros().toPlainString();
        }
    }

    /** One adder per bound, plus one for +Inf. */
    private final LongAdder[] buckets = new LongAdder[BOUNDS_SECONDS.length + 1];
    private final LongAdder sumNanos = new LongAdder();

    LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void record(long nanos) {
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        buckets[i].increment();
        sumNanos.add(Math.max(0, nanos));
    }

    /** Observations at or below bound {@code index}; index {@code BOUNDS_SECONDS.length} is +Inf, the total. */
    long cumulativeCount(int index) {
        long total = 0;
        for (int i = 0; i <= index; i++) {
            total += buckets[i].sum();
        }
        return total;
    }

    long count() {
        return cumulativeCount(BOUNDS_SECONDS.length);
    }

    double sumSeconds() {
        return sumNanos.sum() / 1e9;
    }
}
