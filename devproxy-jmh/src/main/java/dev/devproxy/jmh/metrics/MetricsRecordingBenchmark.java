package dev.devproxy.jmh.metrics;

import dev.devproxy.MetricsSnapshot;
import dev.devproxy.RouteKind;
import dev.devproxy.internal.metrics.BuiltInMetrics;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of {@link BuiltInMetrics#requestCompleted} per call, the work the engine adds to every response.
 *
 * <p>One {@code BuiltInMetrics} per trial is shared by every benchmark thread. Each call records the same
 * route, status and byte counts, so every thread updates the same request counter and byte adders: the worst
 * case for contention, as when all traffic is one kind. Durations cycle through 1024 values spread from 50 µs to
 * 20 s (log-uniform, fixed seed per thread), so the histogram's bucket search and its adders see a realistic
 * spread. {@code contended} runs on two threads at once (the engine's default on a 2-core machine is two event
 * loops), {@code uncontended} on one, as a baseline. The time reported is per call on each thread.
 *
 * <p>After each trial the totals are checked: every call must have been counted once, with its bytes, or the
 * trial fails.
 *
 * <pre>
 * java -jar devproxy-jmh/target/benchmarks.jar MetricsRecordingBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MetricsRecordingBenchmark {
    private static final long BYTES_IN = 420;
    private static final long BYTES_OUT = 1337;

    private final BuiltInMetrics metrics = new BuiltInMetrics();

    /** Each thread's own sequence of durations. */
    @State(Scope.Thread)
    public static class Durations {
        private final long[] nanos = new long[1024];
        private int next;

        @Setup(Level.Trial)
        public void fill() {
            SplittableRandom random = new SplittableRandom(Thread.currentThread().getId());
            double low = Math.log(50_000);
            double high = Math.log(20_000_000_000L);
            for (int i = 0; i < nanos.length; i++) {
                nanos[i] = Math.round(Math.exp(low + random.nextDouble() * (high - low)));
            }
        }

        long next() {
            long value = nanos[next];
            next = (next + 1) & (nanos.length - 1);
            return value;
        }
    }

    @Benchmark
    @Threads(2)
    public void contended(Durations durations) {
        metrics.requestCompleted(RouteKind.ECHO, "GET", 200, durations.next(), BYTES_IN, BYTES_OUT);
    }

    @Benchmark
    @Threads(1)
    public void uncontended(Durations durations) {
        metrics.requestCompleted(RouteKind.ECHO, "GET", 200, durations.next(), BYTES_IN, BYTES_OUT);
    }

    /** Fails the trial unless every call was counted once, with its bytes, under the right route and status. */
    @TearDown(Level.Trial)
    public void checkTotals() {
        MetricsSnapshot totals = metrics.snapshot();
        long requests = totals.requestsTotal();
        if (requests <= 0
                || metrics.requests(RouteKind.ECHO, 2) != requests
                || totals.bytesReceived() != requests * BYTES_IN
                || totals.bytesSent() != requests * BYTES_OUT) {
            throw new IllegalStateException("inconsistent totals: " + totals);
        }
    }
}
