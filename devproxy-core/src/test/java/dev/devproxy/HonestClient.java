package dev.devproxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A well-behaved client that keeps sending requests on its own thread and times each one, to show what an
 * attack costs everyone else. {@link Kind#FRESH_CONNECTION} opens a connection per request, so it must win a
 * slot under the cap each time; {@link Kind#KEEP_ALIVE} keeps one connection and measures the proxy itself.
 */
final class HonestClient {
    enum Kind { FRESH_CONNECTION, KEEP_ALIVE }

    /**
     * What the client saw: one latency per answered request (sorted), and every request that was not answered
     * 200, with why.
     */
    record Report(Kind kind, long[] latenciesMillis, List<String> failures) {
        long percentileMillis(double percentile) {
            if (latenciesMillis.length == 0) {
                return -1;
            }
            int index = (int) Math.ceil(percentile / 100 * latenciesMillis.length) - 1;
            return latenciesMillis[Math.max(0, Math.min(latenciesMillis.length - 1, index))];
        }

        @Override
        public String toString() {
            return String.format("%s: %d requests, p50 %d ms, p90 %d ms, p99 %d ms, max %d ms, %d failed %s", kind,
                    latenciesMillis.length, percentileMillis(50), percentileMillis(90), percentileMillis(99),
                    percentileMillis(100), failures.size(), failures.subList(0, Math.min(3, failures.size())));
        }
    }

    private static final Duration RESPONSE_DEADLINE = Duration.ofSeconds(20);

    private final DevProxy proxy;
    private final Kind kind;
    private final Duration pause;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    /** A client that sends a request, waits {@code pause}, and sends the next, until stopped. */
    HonestClient(DevProxy proxy, Kind kind, Duration pause) {
        this.proxy = proxy;
        this.kind = kind;
        this.pause = pause;
        this.thread = new Thread(this::run, "honest-client-" + kind);
        this.thread.setDaemon(true);
    }

    HonestClient start() {
        thread.start();
        return this;
    }

    /** Stops after the request in progress and reports. */
    Report stop() throws InterruptedException {
        running.set(false);
        thread.join(RESPONSE_DEADLINE.toMillis() + 5_000);
        if (thread.isAlive()) {
            throw new AssertionError("the honest client did not stop");
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Report(kind, sorted, List.copyOf(failures));
    }

    private void run() {
        RawClient kept = null;
        int sent = 0;
        try {
            while (running.get()) {
                String target = "/honest/" + kind + "/" + sent++;
                long start = System.nanoTime();
                try {
                    if (kind == Kind.KEEP_ALIVE) {
                        if (kept == null) {
                            kept = RawClient.connect(proxy);
                        }
                        answer(kept, target, "");
                    } else {
                        try (RawClient client = RawClient.connect(proxy)) {
                            answer(client, target, "Connection: close\r\n");
                        }
                    }
                    latencies.add((System.nanoTime() - start) / 1_000_000);
                } catch (RuntimeException | AssertionError e) {
                    failures.add(target + ": " + e.getMessage());
                    if (kept != null) {
                        kept.close();
                        kept = null;
                    }
                }
                TimeUnit.NANOSECONDS.sleep(pause.toNanos());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (kept != null) {
                kept.close();
            }
        }
    }

    private static void answer(RawClient client, String target, String fields) {
        client.send("GET " + target + " HTTP/1.1\r\nHost: honest\r\n" + fields + "\r\n");
        RawClient.RawResponse response = client.readResponse(RESPONSE_DEADLINE);
        if (response.status() != 200 || !response.bodyText().contains("\"target\":\"" + target + "\"")) {
            throw new AssertionError("answered " + response.statusLine());
        }
    }
}
