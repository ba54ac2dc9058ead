package dev.devproxy;

import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.devproxy.TimeoutTest.FakeClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Idle upstream connections are bounded: each closes after 4 s unused (on the injected clock), a loop keeps at
 * most {@code maxConnections} of them across upstreams, and stopping the proxy closes them at once instead of
 * after the shutdown grace.
 */
@Timeout(30)
class UpstreamIdleTest {
    private static final String REQUEST_A = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
    private static final String REQUEST_B = "GET /b HTTP/1.1\r\nHost: h\r\n\r\n";

    @Test
    void idleUpstreamConnectionClosesAfterFourSecondsOnTheInjectedClock() throws Exception {
        FakeClock clock = new FakeClock();
        try (CountingUpstream upstream = new CountingUpstream();
                DevProxy proxy = proxy().ioThreads(1).clock(clock).router(request -> upstream.forward(request))
                        .build().start();
                RawClient client = RawClient.connect(proxy)) {
            assertEquals("ok", client.send(REQUEST_A).readResponse().bodyText());
            TestSupport.awaitEventLoopsIdle(proxy); // the idle time starts when the connection is pooled

            // The loop scans deadlines when its clock has moved on by the scan interval (250 ms here) since the
            // last scan, so each step is longer than that.
            clock.advance(Duration.ofMillis(3_700));
            assertNull(upstream.closed.poll(600, TimeUnit.MILLISECONDS), "still pooled before its idle time is up");
            clock.advance(Duration.ofMillis(500));

            assertEquals(1, upstream.closed.poll(5, TimeUnit.SECONDS), "closed by the proxy once idle for 4 s");
            assertEquals("ok", client.send(REQUEST_A).readResponse().bodyText());
            assertEquals(2, upstream.accepted.get(), "the next request connects afresh");
        }
    }

    @Test
    void idleConnectionsBeyondMaxConnectionsAreClosedAtOnce() throws Exception {
        // With one client connection allowed, a loop never needs more than one upstream connection at a time,
        // so it keeps one idle: the second upstream's connection is closed as soon as its response is over.
        FakeClock clock = new FakeClock(); // never advanced: no idle time runs out in this test
        try (CountingUpstream upstreamA = new CountingUpstream();
                CountingUpstream upstreamB = new CountingUpstream();
                DevProxy proxy = proxy().ioThreads(1).maxConnections(1).clock(clock)
                        .router(request -> (request.target().equals("/a") ? upstreamA : upstreamB).forward(request))
                        .build().start();
                RawClient client = RawClient.connect(proxy)) {
            assertEquals("ok", client.send(REQUEST_A).readResponse().bodyText());
            assertEquals("ok", client.send(REQUEST_B).readResponse().bodyText());

            assertEquals(1, upstreamB.closed.poll(5, TimeUnit.SECONDS), "the pool was full: B's connection closed");
            assertEquals("ok", client.send(REQUEST_A).readResponse().bodyText());
            assertEquals(1, upstreamA.accepted.get(), "A's connection stayed pooled and was reused");
            assertNull(upstreamA.closed.poll(0, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void stoppingClosesIdleUpstreamConnectionsWithoutWaitingForTheGrace() throws Exception {
        // Never advanced, so no idle time runs out in this test; the grace runs on real time.
        FakeClock clock = new FakeClock();
        try (CountingUpstream upstream = new CountingUpstream();
                DevProxy proxy = proxy().ioThreads(1).clock(clock).router(request -> upstream.forward(request))
                        .shutdownGrace(Duration.ofSeconds(20)).build().start();
                RawClient idle = RawClient.connect(proxy);
                RawClient busy = RawClient.connect(proxy)) {
            assertEquals("ok", idle.send(REQUEST_A).readResponse().bodyText());
            busy.send("GET /a HT"); // a request under way: close() waits for it, up to the grace
            TestSupport.awaitEventLoopsIdle(proxy);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
            Integer closed = upstream.closed.poll(10, TimeUnit.SECONDS);
            boolean closeReturnedFirst = closing.isDone();
            busy.close(); // lets close() finish
            closing.get(25, TimeUnit.SECONDS);

            assertNotNull(closed, "the idle upstream connection was closed");
            assertFalse(closeReturnedFirst, "it was closed while close() still waited for the request under way");
        }
    }

    /**
     * A blocking upstream that answers every {@code GET} with {@code ok}, numbering its connections from 1 and
     * reporting each one's number when the proxy closes it.
     */
    private static final class CountingUpstream implements AutoCloseable {
        private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);

        final AtomicInteger accepted = new AtomicInteger();
        final BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();
        private final ServerSocket server;
        private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "counting-upstream");
            thread.setDaemon(true);
            return thread;
        });
        private final Queue<Socket> sockets = new ConcurrentLinkedQueue<>();

        CountingUpstream() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            threads.execute(this::acceptLoop);
        }

        Route forward(dev.devproxy.parser.RequestHead request) {
            return Route.forward(Upstream.of("127.0.0.1", server.getLocalPort()), request.target());
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    sockets.add(socket);
                    int number = accepted.incrementAndGet();
                    threads.execute(() -> serve(socket, number));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        /** Answers each request head (the requests here have no body) until the proxy closes the connection. */
        private void serve(Socket socket, int number) {
            try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                int matched = 0;
                for (int b; (b = in.read()) >= 0; ) {
                    matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
                    if (matched == 4) {
                        matched = 0;
                        out.write(OK);
                        out.flush();
                    }
                }
                closed.add(number);
            } catch (IOException e) {
                closed.add(number); // a reset: closed as well
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
            threads.shutdownNow();
        }
    }
}
