package dev.devproxy;

import static dev.devproxy.EchoTest.assertContains;
import static dev.devproxy.TestSupport.await;
import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Starting and stopping: graceful close, and nothing left behind (threads, sockets, descriptors, buffers). */
@Timeout(30)
class LifecycleTest {

    @Test
    void closeLetsARequestInFlightFinishAndTellsTheClientTheConnectionCloses() throws Exception {
        CountDownLatch headRouted = new CountDownLatch(1);
        Router router = request -> {
            headRouted.countDown();
            return Route.echo();
        };
        DevProxy proxy = proxy().router(router).shutdownGrace(Duration.ofSeconds(10)).build().start();
        InetSocketAddress address = proxy.address();
        try (RawClient client = RawClient.connect(proxy)) {
            client.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
            assertTrue(headRouted.await(5, TimeUnit.SECONDS), "the head never reached the router");

            long closeStarted = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
            awaitRefused(address); // the proxy is draining: no new connections...

            assertFalse(closing.isDone(), "close() returned with a request in flight");
            client.send("defghij"); // ...but the request in flight completes
            RawClient.RawResponse response = client.readResponse();

            assertEquals(200, response.status());
            assertEquals("close", response.header("Connection"));
            assertContains(response.bodyText(), "\"bodyLength\":10,");
            assertContains(response.bodyText(), "\"body\":\"abcdefghij\",");
            client.assertClosedByServer();
            client.close();
            closing.get(5, TimeUnit.SECONDS);
            long closeMillis = (System.nanoTime() - closeStarted) / 1_000_000;
            assertTrue(closeMillis < 5_000, "close took " + closeMillis + " ms, waiting out the grace");
        } finally {
            proxy.close();
        }
    }

    @Test
    void closeCutsOffARequestThatDoesNotFinishWithinTheGrace() throws Exception {
        CountDownLatch headRouted = new CountDownLatch(1);
        Router router = request -> {
            headRouted.countDown();
            return Route.echo();
        };
        DevProxy proxy = proxy().router(router).shutdownGrace(Duration.ofMillis(300)).build().start();
        try (RawClient client = RawClient.connect(proxy)) {
            client.send("POST /stuck HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
            assertTrue(headRouted.await(5, TimeUnit.SECONDS), "the head never reached the router");

            long start = System.nanoTime();
            proxy.close();
            long closeMillis = (System.nanoTime() - start) / 1_000_000;

            assertTrue(closeMillis >= 250 && closeMillis < 5_000, "close took " + closeMillis + " ms with a 300 ms grace");
            client.awaitConnectionEnd(Duration.ofSeconds(3));
            assertEquals(0, proxy.openConnections());
        } finally {
            proxy.close();
        }
    }

    @Test
    void closeClosesIdleKeepAliveConnectionsAtOnce() {
        DevProxy proxy = proxy().shutdownGrace(Duration.ofSeconds(10)).build().start();
        try (RawClient client = RawClient.connect(proxy)) {
            client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
            client.readResponse();

            long start = System.nanoTime();
            proxy.close();
            long closeMillis = (System.nanoTime() - start) / 1_000_000;

            assertTrue(closeMillis < 5_000, "close took " + closeMillis + " ms with only an idle connection");
            client.assertClosedByServer();
        } finally {
            proxy.close();
        }
    }

    @Test
    void afterCloseThePortRefusesConnectionsAndNoLoopThreadRemains() {
        Set<Thread> loopsBefore = loopThreads();
        DevProxy proxy = proxy().ioThreads(3).build().start();
        InetSocketAddress address = proxy.address();
        Set<Thread> started = loopThreads();
        started.removeAll(loopsBefore);
        assertEquals(Set.of("devproxy-loop-0", "devproxy-loop-1", "devproxy-loop-2"),
                started.stream().map(Thread::getName).collect(Collectors.toSet()));
        try (RawClient client = RawClient.connect(proxy)) {
            client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
            client.readResponse();
        }

        proxy.close();

        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(address, 1_000);
            }
        });
        for (Thread thread : started) {
            assertFalse(thread.isAlive(), thread.getName() + " is still alive after close()");
        }
    }

    @Test
    void noBufferIsHeldByAnIdleConnectionAndNoDescriptorOutlivesTheProxy() {
        runTraffic(); // warm up: classes loaded, jars opened, so the baseline below is stable
        long baseline = openDescriptors();

        runTraffic();

        await("descriptors back to the baseline of " + baseline, Duration.ofSeconds(5),
                () -> openDescriptors() <= baseline + 1, LifecycleTest::openDescriptors);
    }

    /** Starts a proxy, sends assorted traffic on raw sockets, checks no pool buffer is held when idle, closes. */
    private static void runTraffic() {
        DevProxy proxy = proxy().ioThreads(2).build().start();
        try {
            try (RawClient first = RawClient.connect(proxy); RawClient second = RawClient.connect(proxy)) {
                first.send("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
                first.readResponse();
                second.send("GET /metrics HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n");
                second.readResponse();
                second.readResponse();
                try (RawClient bad = RawClient.connect(proxy)) {
                    bad.send("BAD\r\n\r\n");
                    bad.readResponse();
                    bad.assertClosedByServer();
                }
                try (RawClient partial = RawClient.connect(proxy)) {
                    partial.send("GET /never-fin");
                }
                TestSupport.await("two idle connections left", () -> proxy.openConnections() == 2,
                        proxy::openConnections);

                assertEquals(0, proxy.server().pooledBuffersInUse(), "buffers held with only idle connections open");
            }
        } finally {
            proxy.close();
        }
    }

    @Test
    void startingTwiceIsAnError() {
        try (DevProxy proxy = proxy().build().start()) {
            assertThrows(IllegalStateException.class, proxy::start);
        }
    }

    @Test
    void closedProxyCannotStartAgain() {
        DevProxy proxy = proxy().build().start();
        proxy.close();

        IllegalStateException e = assertThrows(IllegalStateException.class, proxy::start);

        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void proxyClosedBeforeStartingCannotStart() {
        DevProxy proxy = proxy().build();
        proxy.close();

        assertThrows(IllegalStateException.class, proxy::start);
    }

    @Test
    void closeIsIdempotent() {
        DevProxy proxy = proxy().build().start();

        proxy.close();
        proxy.close();

        assertThrows(IllegalStateException.class, proxy::start);
    }

    @Test
    void addressAndMetricsNeedAStartedProxy() {
        DevProxy proxy = proxy().build();

        assertThrows(IllegalStateException.class, proxy::port);
        assertThrows(IllegalStateException.class, proxy::baseUri);
        assertThrows(IllegalStateException.class, proxy::metrics);
    }

    @Test
    void portZeroBindsAFreePortReportedInTheBaseUri() {
        try (DevProxy first = proxy().build().start(); DevProxy second = proxy().build().start()) {
            assertTrue(first.port() > 0);
            assertTrue(first.port() != second.port());
            assertEquals("http://127.0.0.1:" + first.port() + "/", first.baseUri().toString());
        }
    }

    @Test
    void startFailsClearlyWhenThePortIsTaken() {
        try (DevProxy first = proxy().build().start()) {
            DevProxy second = proxy().port(first.port()).build();
            Set<Thread> loopsBefore = loopThreads();

            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, second::start);

            assertContains(e.getMessage(), String.valueOf(first.port()));
            Set<Thread> leaked = loopThreads();
            leaked.removeAll(loopsBefore);
            assertEquals(Set.of(), leaked, "a failed start leaves no loop thread");
        }
    }

    private static Set<Thread> loopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("devproxy-loop-") && thread.isAlive())
                .collect(Collectors.toSet());
    }

    private static long openDescriptors() {
        String[] names = new File("/proc/self/fd").list();
        if (names == null) {
            throw new AssertionError("cannot list /proc/self/fd");
        }
        return names.length;
    }

    /** Waits until connecting to {@code address} is refused: the proxy has stopped accepting. */
    private static void awaitRefused(InetSocketAddress address) {
        await("the port to refuse connections", () -> {
            try (Socket socket = new Socket()) {
                socket.connect(address, 200);
                return false;
            } catch (ConnectException refused) {
                return true;
            } catch (IOException other) {
                return false;
            }
        }, () -> "still accepting");
    }
}
