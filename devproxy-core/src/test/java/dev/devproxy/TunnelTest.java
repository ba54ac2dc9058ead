package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CONNECT tunnels in forward-proxy mode (RFC 9110 section 9.3.6), over raw sockets against a TCP upstream written
 * here: the {@code 200} only once the upstream connected, bytes both ways (those sent right behind the request
 * too), half-close passed on, backpressure, the idle timeout, and nothing left behind when either side vanishes.
 */
@Timeout(30)
class TunnelTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private DevProxy proxy;
    private TcpUpstream upstream;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private DevProxy start(DevProxy.Builder builder) {
        proxy = builder.port(0).forwardProxy(true).build().start();
        return proxy;
    }

    @Test
    void connectOpensATunnelThatCarriesBytesBothWaysAndPassesHalfClosesOn() throws Exception {
        upstream = TcpUpstream.echoing();
        start(DevProxy.builder());
        try (Socket client = connect()) {
            // The first tunnel bytes go in the same write as the request, as a TLS client's ClientHello may.
            write(client, "CONNECT 127.0.0.1:" + upstream.port() + " HTTP/1.1\r\nHost: 127.0.0.1:" + upstream.port()
                    + "\r\n\r\nhello");
            String head = readHead(client.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 200 "), head);
            assertTrue(!head.toLowerCase().contains("content-length") && !head.toLowerCase().contains("transfer-encoding"),
                    "RFC 9110 section 9.3.6: no framing fields in a 2xx to CONNECT: " + head);
            assertEquals("hello", readExactly(client.getInputStream(), 5));
            write(client, "world");
            assertEquals("world", readExactly(client.getInputStream(), 5));
            assertEquals(1, proxy.server().metrics().openTunnels());

            client.shutdownOutput(); // the echo upstream sees the FIN, and answers with its own
            assertEquals(-1, client.getInputStream().read(), "the upstream's FIN is passed on");
        }
        TestSupport.awaitNoOpenConnections(proxy);
        TestSupport.await("the tunnel closed", () -> proxy.server().metrics().openTunnels() == 0,
                () -> proxy.server().metrics().openTunnels());
        TestSupport.awaitNoBuffersInUse(proxy);
        String metrics = metrics();
        assertTrue(metrics.contains("devproxy_tunnel_bytes_total{from=\"client\"} 10\n"), metrics);
        assertTrue(metrics.contains("devproxy_tunnel_bytes_total{from=\"upstream\"} 10\n"), metrics);
        assertTrue(metrics.contains("devproxy_tunnels_total 1\n"), metrics);
        assertTrue(metrics.contains("devproxy_requests_total{route=\"forward\",status=\"2xx\"} 1\n"), metrics);
    }

    @Test
    void theUpstreamsHalfCloseReachesTheClientWhileTheClientGoesOnSending() throws Exception {
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        upstream = TcpUpstream.start(socket -> {
            socket.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput(); // says its last word first, then reads what the client still sends
            received.complete(socket.getInputStream().readAllBytes());
        });
        start(DevProxy.builder());
        try (Socket client = connect()) {
            write(client, connectRequest());
            assertTrue(readHead(client.getInputStream()).startsWith("HTTP/1.1 200 "));
            assertEquals("bye", readExactly(client.getInputStream(), 3));
            assertEquals(-1, client.getInputStream().read());
            write(client, "still here");
            client.shutdownOutput();
            assertEquals("still here", new String(received.get(5, TimeUnit.SECONDS), StandardCharsets.US_ASCII));
        }
        TestSupport.awaitNoOpenConnections(proxy);
        TestSupport.awaitNoBuffersInUse(proxy);
    }

    @Test
    void aClientThatCannotTakeMorePausesTheUpstreamInsteadOfQueueingItsBytes() throws Exception {
        CountDownLatch upstreamStuck = new CountDownLatch(1);
        long[] written = new long[1];
        upstream = TcpUpstream.start(socket -> {
            socket.setSendBufferSize(64 * 1024);
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            try {
                for (int i = 0; i < 1024; i++) { // 64 MiB, far more than the sockets' buffers hold
                    out.write(chunk);
                    written[0] += chunk.length;
                }
            } catch (IOException e) {
                upstreamStuck.countDown(); // the proxy closed it: the test is over
            }
        });
        start(DevProxy.builder().ioThreads(1));
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(64 * 1024);
            client.connect(proxy.address(), 5_000);
            write(client, connectRequest());
            assertTrue(readHead(client.getInputStream()).startsWith("HTTP/1.1 200 "));
            // The client reads nothing: the proxy must stop reading the upstream, holding at most one buffer a side.
            TestSupport.await("the upstream blocked", () -> {
                long before = written[0];
                TestSupport.awaitEventLoopsIdle(proxy);
                return written[0] == before && written[0] > 0;
            }, () -> written[0]);
            assertTrue(proxy.server().pooledBuffersInUse() <= 2, () -> "buffers in use: " + proxy.server().pooledBuffersInUse());
            assertTrue(written[0] < 16 * 1024 * 1024, () -> "the upstream wrote " + written[0] + " bytes into a stalled tunnel");
        }
        TestSupport.awaitNoOpenConnections(proxy);
        TestSupport.awaitNoBuffersInUse(proxy);
        assertTrue(upstreamStuck.await(5, TimeUnit.SECONDS), "the upstream connection was closed with the client's");
    }

    @Test
    void aClientThatVanishesClosesTheUpstreamAndLeavesNothingBehind() throws Exception {
        CompletableFuture<Integer> upstreamRead = new CompletableFuture<>();
        upstream = TcpUpstream.start(socket -> upstreamRead.complete(socket.getInputStream().read()));
        start(DevProxy.builder());
        ResourceBaseline baseline = ResourceBaseline.take();
        Socket client = connect();
        write(client, connectRequest());
        assertTrue(readHead(client.getInputStream()).startsWith("HTTP/1.1 200 "));
        client.setSoLinger(true, 0);
        client.close(); // a reset: the client is gone
        assertEquals(-1, upstreamRead.get(5, TimeUnit.SECONDS), "the upstream connection was closed");
        TestSupport.awaitNoOpenConnections(proxy);
        TestSupport.awaitNoBuffersInUse(proxy);
        TestSupport.await("the tunnel closed", () -> proxy.server().metrics().openTunnels() == 0,
                () -> proxy.server().metrics().openTunnels());
        baseline.assertRestored(proxy, Duration.ofSeconds(5));
    }

    @Test
    void anUpstreamThatVanishesClosesTheClient() throws Exception {
        upstream = TcpUpstream.start(socket -> {
            socket.getInputStream().read();
            socket.setSoLinger(true, 0);
            socket.close(); // a reset after the first byte
        });
        start(DevProxy.builder());
        try (Socket client = connect()) {
            write(client, connectRequest());
            assertTrue(readHead(client.getInputStream()).startsWith("HTTP/1.1 200 "));
            write(client, "x");
            assertEquals(-1, readOrEnd(client.getInputStream()));
        }
        TestSupport.awaitNoOpenConnections(proxy);
        TestSupport.awaitNoBuffersInUse(proxy);
    }

    @Test
    void aTunnelIdleForLongerThanTheTunnelTimeoutIsClosed() throws Exception {
        upstream = TcpUpstream.echoing();
        // 300 ms of silence closes it; the test waits up to 5 s for that, a wide margin on a loaded machine.
        start(DevProxy.builder().tunnelIdleTimeout(Duration.ofMillis(300)));
        try (Socket client = connect()) {
            write(client, connectRequest());
            assertTrue(readHead(client.getInputStream()).startsWith("HTTP/1.1 200 "));
            write(client, "ping");
            assertEquals("ping", readExactly(client.getInputStream(), 4));
            assertEquals(-1, readOrEnd(client.getInputStream()));
        }
        TestSupport.awaitNoOpenConnections(proxy);
    }

    @Test
    void closingTheProxyClosesOpenTunnelsAtOnceRatherThanAfterTheShutdownGrace() throws Exception {
        upstream = TcpUpstream.echoing();
        start(DevProxy.builder().shutdownGrace(Duration.ofSeconds(30)));
        try (Socket client = connect()) {
            write(client, connectRequest());
            assertTrue(readHead(client.getInputStream()).startsWith("HTTP/1.1 200 "));
            long start = System.nanoTime();
            proxy.close();
            long millis = (System.nanoTime() - start) / 1_000_000;
            // A tunnel has no request to finish; 10 s is a third of the grace, margin for a loaded machine.
            assertTrue(millis < 10_000, () -> "close() took " + millis + " ms with a tunnel open");
            assertEquals(-1, readOrEnd(client.getInputStream()));
        }
    }

    @Test
    @Timeout(120) // about 2.5 s on an idle 2-core machine
    void oneHundredMebibytesEachWayCrossATunnelByteExactWhileTheHeapStaysFlat() throws Exception {
        long size = 100L * 1024 * 1024;
        upstream = TcpUpstream.echoing();
        start(DevProxy.builder());
        long heapBefore = usedHeapAfterGc();
        try (Socket client = connect()) {
            write(client, connectRequest());
            assertTrue(readHead(client.getInputStream()).startsWith("HTTP/1.1 200 "));
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                byte[] chunk = new byte[64 * 1024];
                Random random = new Random(42);
                try {
                    OutputStream out = client.getOutputStream();
                    for (long left = size; left > 0; left -= chunk.length) {
                        random.nextBytes(chunk);
                        sent.update(chunk);
                        out.write(chunk);
                    }
                    client.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            InputStream in = client.getInputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.update(buffer, 0, n);
                total += n;
            }
            writing.get(60, TimeUnit.SECONDS);
            assertEquals(size, total);
            assertArrayEquals(sent.digest(), received.digest(), "the bytes that came back are the bytes sent");
        }
        long grown = usedHeapAfterGc() - heapBefore;
        // Each direction holds one 16 KiB pool buffer at most; 16 MiB of margin covers the JDK's own noise.
        assertTrue(grown < 16L * 1024 * 1024, () -> "the heap grew by " + grown + " bytes");
        String metrics = metrics();
        assertTrue(metrics.contains("devproxy_tunnel_bytes_total{from=\"client\"} " + size + "\n"), metrics);
        assertTrue(metrics.contains("devproxy_tunnel_bytes_total{from=\"upstream\"} " + size + "\n"), metrics);
        TestSupport.awaitNoBuffersInUse(proxy);
    }

    /** Heap in use after asking for a full collection twice; coarse, so compare with a generous bound. */
    private static long usedHeapAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void connectToAClosedPortIs502AndToADestinationNotAllowedIs403() throws Exception {
        start(DevProxy.builder());
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            closed = socket.getLocalPort();
        }
        assertEquals(502, status("CONNECT 127.0.0.1:" + closed + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        // The default allow-list is loopback only: a development proxy is never an open proxy.
        assertEquals(403, status("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"));
        assertEquals(403, status("CONNECT 10.0.0.1:80 HTTP/1.1\r\nHost: 10.0.0.1:80\r\n\r\n"));
        TestSupport.awaitNoBuffersInUse(proxy);
    }

    @Test
    void anAllowListPatternWithAPortAllowsThatPortOnly() throws Exception {
        upstream = TcpUpstream.echoing();
        start(DevProxy.builder().forwardAllow("127.0.0.1:" + upstream.port()));
        assertEquals(200, status(connectRequest()));
        assertEquals(403, status("CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(403, status("CONNECT localhost:" + upstream.port() + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    }

    @Test
    void badAuthorityFormsAre400() throws Exception {
        start(DevProxy.builder());
        // RFC 9112 section 3.2.3: authority-form is uri-host ":" port, nothing more, nothing less.
        assertEquals(400, status("CONNECT 127.0.0.1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        assertEquals(400, status("CONNECT user@127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1:80\r\n\r\n"));
        assertEquals(400, status("CONNECT http://127.0.0.1:80/ HTTP/1.1\r\nHost: 127.0.0.1:80\r\n\r\n"));
        assertEquals(400, status("CONNECT 127.0.0.1:0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    }

    @Test
    void connectIs501WithForwardProxyModeOff() throws Exception {
        upstream = TcpUpstream.echoing();
        proxy = DevProxy.builder().port(0).build().start();
        assertEquals(501, status(connectRequest()));
    }

    // ---- Helpers -------------------------------------------------------------------------------------------

    private String connectRequest() {
        return "CONNECT 127.0.0.1:" + upstream.port() + " HTTP/1.1\r\nHost: 127.0.0.1:" + upstream.port() + "\r\n\r\n";
    }

    private String metrics() throws IOException {
        try (Socket client = connect()) {
            write(client, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private int status(String request) throws IOException {
        try (Socket client = connect()) {
            write(client, request);
            String head = readHead(client.getInputStream());
            return Integer.parseInt(head.split(" ", 3)[1]);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(proxy.address(), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Reads up to and including the empty line; nothing after it. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream in a response head: " + head);
            }
            head.write(b);
            matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String readExactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        assertEquals(length, bytes.length, "bytes before the end of the stream");
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** -1 at the end of the stream, a reset counting as one. */
    private static int readOrEnd(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (java.net.SocketException e) {
            return -1;
        }
    }

    /** A TCP server taking one connection after another, each handled by {@code handler} on its own thread. */
    static final class TcpUpstream implements AutoCloseable {
        interface Handler {
            void handle(Socket socket) throws IOException;
        }

        private final ServerSocket server;

        private TcpUpstream(Handler handler) throws IOException {
            server = new ServerSocket(0, 50, LOOPBACK);
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    Socket socket;
                    try {
                        socket = server.accept();
                    } catch (IOException e) {
                        return;
                    }
                    Thread worker = new Thread(() -> {
                        try (socket) {
                            handler.handle(socket);
                        } catch (IOException e) {
                            // the peer went away; the test sees it on its own side
                        }
                    }, "tcp-upstream");
                    worker.setDaemon(true);
                    worker.start();
                }
            }, "tcp-upstream-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static TcpUpstream start(Handler handler) throws IOException {
            return new TcpUpstream(handler);
        }

        /** Echoes what it reads; at the end of its input, half-closes its output. */
        static TcpUpstream echoing() throws IOException {
            return start(socket -> {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
                socket.shutdownOutput();
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
