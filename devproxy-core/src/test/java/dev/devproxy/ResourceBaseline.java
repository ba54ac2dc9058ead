package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * What an attack must give back: the descriptors and threads of this JVM, and the proxy's open connections and
 * pooled buffers. Take one before the attack, after a warm-up (classes loaded, jars open), and check after it.
 *
 * @param descriptors entries in {@code /proc/self/fd}
 * @param threads live threads of this JVM
 */
record ResourceBaseline(long descriptors, int threads) {
    /**
     * Descriptors and threads that may come and go without a leak: the JDK opens a jar or starts a helper thread
     * (a reference handler, a common-pool worker) at its own pace. A leak of one per connection is far above it.
     */
    private static final int DESCRIPTOR_SLACK = 8;
    private static final int THREAD_SLACK = 4;

    static ResourceBaseline take() {
        return new ResourceBaseline(openDescriptors(), liveThreads());
    }

    /**
     * Waits until {@code proxy} has no client connection open and every pooled buffer back, and this JVM's
     * descriptors and threads are back within a small slack of the baseline; fails after {@code deadline}.
     */
    void assertRestored(DevProxy proxy, Duration deadline) {
        TestSupport.await("no client connection open", deadline, () -> proxy.openConnections() == 0,
                proxy::openConnections);
        TestSupport.await("every pooled buffer back", deadline, () -> proxy.server().pooledBuffersInUse() == 0,
                () -> proxy.server().pooledBuffersInUse());
        TestSupport.await("descriptors back near the baseline of " + descriptors, deadline,
                () -> openDescriptors() <= descriptors + DESCRIPTOR_SLACK, ResourceBaseline::openDescriptors);
        TestSupport.await("threads back near the baseline of " + threads, deadline,
                () -> liveThreads() <= threads + THREAD_SLACK, ResourceBaseline::liveThreads);
        assertEquals(0, proxy.openConnections());
    }

    /** Entries in /proc/self/fd (Linux); every socket, file and pipe of this JVM. */
    static long openDescriptors() {
        String[] names = new File("/proc/self/fd").list();
        if (names == null) {
            throw new AssertionError("cannot list /proc/self/fd");
        }
        return names.length;
    }

    static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
