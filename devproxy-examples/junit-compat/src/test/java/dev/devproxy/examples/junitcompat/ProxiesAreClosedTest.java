package dev.devproxy.examples.junitcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.examples.junitcompat.Fixtures.Only;
import dev.devproxy.examples.junitcompat.Fixtures.Outcome;
import dev.devproxy.junit.DevProxyExtension;
import dev.devproxy.junit.DevProxyTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On every supported Jupiter version, JUnit closes each proxy the extension started (per class, per test,
 * through the annotation or a field) when its class or test ends: its port refuses connections and no
 * {@code devproxy-loop} thread outlives the run. Before 5.13 JUnit closes only {@code CloseableResource}
 * values, so a proxy stored as a plain {@code AutoCloseable} leaked, with its threads.
 */
class ProxiesAreClosedTest {
    static final List<DevProxy> seen = new CopyOnWriteArrayList<>();

    @Test
    void everyProxyIsClosedWhenItsClassOrTestEnds() {
        seen.clear();
        long loopsBefore = liveLoopThreads();

        for (Class<?> fixture : List.of(AnnotatedFixture.class, StaticFieldFixture.class, InstanceFieldFixture.class,
                PerTestAnnotatedFixture.class)) {
            Map<String, Outcome> outcomes = Fixtures.run(fixture, Map.of());
            assertTrue(outcomes.values().stream().allMatch(Outcome::passed), outcomes.toString());
        }

        assertEquals(1 + 1 + 2 + 2, seen.stream().distinct().count(), "one proxy per class, one per test: " + seen);
        for (DevProxy proxy : seen) {
            assertThrows(IOException.class, () -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(proxy.address().getAddress(), proxy.port()), 2000);
                }
            }, "still accepting on Jupiter " + Fixtures.jupiterVersion() + ": " + proxy.baseUri());
        }
        assertEquals(loopsBefore, liveLoopThreads(), "devproxy-loop threads left running on Jupiter "
                + Fixtures.jupiterVersion());
    }

    private static long liveLoopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith("devproxy-loop"))
                .count();
    }

    @DevProxyTest
    @ExtendWith(Only.class)
    static class AnnotatedFixture {
        @Test
        void uses(DevProxy proxy) {
            seen.add(proxy);
        }

        @Nested
        class Inner {
            @Test
            void sharesTheClassProxy(DevProxy proxy) {
                seen.add(proxy);
            }
        }
    }

    @ExtendWith(Only.class)
    static class StaticFieldFixture {
        @RegisterExtension
        static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1));

        @Test
        void uses() {
            seen.add(devProxy.proxy());
        }
    }

    @ExtendWith(Only.class)
    static class InstanceFieldFixture {
        @RegisterExtension
        final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1));

        @Test
        void first() {
            seen.add(devProxy.proxy());
        }

        @Test
        void second() {
            seen.add(devProxy.proxy());
        }
    }

    @DevProxyTest(proxyPerTest = true)
    @ExtendWith(Only.class)
    static class PerTestAnnotatedFixture {
        @Test
        void first(DevProxy proxy) {
            seen.add(proxy);
        }

        @Test
        void second(DevProxy proxy) {
            seen.add(proxy);
        }
    }
}
