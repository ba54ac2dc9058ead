package dev.devproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.devproxy.DevProxy;
import dev.devproxy.ErrorKind;
import dev.devproxy.Upstream;
import dev.devproxy.internal.tls.CertificateMaker;
import dev.devproxy.internal.tls.TlsIdentity;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * What the proxy-mode tests share: a raw HTTP/1.x client that checks framing byte by byte, two upstreams (a
 * scripted {@link ServerSocket} that misbehaves on purpose, and the JDK's {@link HttpServer} that records what
 * it receives), generated bodies with their SHA-256, and bounded waits.
 *
 * <p>Everything listens on and connects to 127.0.0.1 only, on ports chosen by the kernel. Every blocking read
 * has a deadline ({@link #READ_TIMEOUT}), so a proxy that stops answering fails a test instead of hanging it.
 */
final class ProxyTestKit {
    /** The longest any single read in these tests waits before failing. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /**
     * One JDK client for all proxy tests: before Java 21 an {@code HttpClient} cannot be closed, and each keeps
     * a selector thread and its descriptors until collected. HTTP/1.1 only, never an h2c upgrade.
     */
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ProxyTestKit() {
    }

    // ---- Small helpers --------------------------------------------------------------------------------------

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /**
     * Waits until {@code condition} holds, polling every 20 ms, and fails with {@code what} after {@code timeout}.
     * For state the test cannot be handed (a counter inside the proxy), never for an ordering a latch can give.
     */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + timeout.toMillis() + " ms waiting until " + what);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }

    /** The value of {@code devproxy_errors_total{kind="..."}} in the proxy's Prometheus text. */
    static long errorCount(DevProxy proxy, ErrorKind kind) {
        return errorCount(proxy.metricsText(), kind);
    }

    static long errorCount(String prometheusText, ErrorKind kind) {
        Matcher matcher = Pattern.compile("(?m)^devproxy_errors_total\\{kind=\"" + kind.label() + "\"} (\\d+)$")
                .matcher(prometheusText);
        assertTrue(matcher.find(), () -> "no devproxy_errors_total line for " + kind.label() + " in\n" + prometheusText);
        return Long.parseLong(matcher.group(1));
    }

    /** Open file descriptors of this JVM (Linux); -1 where /proc is missing. */
    static int openFileDescriptors() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> entries = Files.list(fds)) {
            return (int) entries.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Heap in use after asking for a full collection twice; coarse, so compare with a generous bound. */
    static long usedHeapAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A port nothing listens on: bound by the kernel, then released. */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        }
    }

    // ---- Generated bodies -----------------------------------------------------------------------------------

    /**
     * Pseudo-random bytes from a seed, produced as they are read, so a body of any size costs no memory and
     * both ends can agree on its SHA-256 without a copy.
     */
    static final class GeneratedBody extends InputStream {
        private final SplittableRandom random;
        private final byte[] block = new byte[64 * 1024];
        private long remaining;
        private int blockPosition = block.length;

        GeneratedBody(long seed, long length) {
            this.random = new SplittableRandom(seed);
            this.remaining = length;
        }

        /** The SHA-256 of the {@code length} bytes from {@code seed}, generated again. */
        static String sha256Hex(long seed, long length) {
            MessageDigest digest = sha256();
            byte[] buffer = new byte[64 * 1024];
            try (GeneratedBody body = new GeneratedBody(seed, length)) {
                for (int n; (n = body.read(buffer, 0, buffer.length)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] destination, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            if (blockPosition == block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long value = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        block[i + b] = (byte) (value >>> (8 * b));
                    }
                }
                blockPosition = 0;
            }
            int count = (int) Math.min(Math.min(length, remaining), block.length - blockPosition);
            System.arraycopy(block, blockPosition, destination, offset, count);
            blockPosition += count;
            remaining -= count;
            return count;
        }

        @Override
        public void close() {
        }
    }

    // ---- Parsed messages ------------------------------------------------------------------------------------

    /** One header or trailer field as it was on the wire. */
    record Field(String name, String value) {
        boolean is(String otherName) {
            return name.equalsIgnoreCase(otherName);
        }

        @Override
        public String toString() {
            return name + ": " + value;
        }
    }

    /** How a body was delimited on the wire. */
    enum Framing { NONE, CONTENT_LENGTH, CHUNKED, CLOSE }

    private static List<String> values(List<Field> fields, String name) {
        List<String> values = new ArrayList<>();
        for (Field field : fields) {
            if (field.is(name)) {
                values.add(field.value());
            }
        }
        return values;
    }

    /**
     * A response as a client saw it.
     *
     * @param complete false when the connection ended before the framing said the body was over (fewer bytes
     *     than Content-Length, or a chunked body without its last chunk)
     */
    record RawResponse(String statusLine, int status, List<Field> headers, byte[] body, List<Field> trailers,
            Framing framing, boolean complete) {

        /** The first value of {@code name}, or null. */
        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.get(0);
        }

        List<String> headers(String name) {
            return values(headers, name);
        }

        boolean has(String name) {
            return !headers(name).isEmpty();
        }

        String trailer(String name) {
            List<String> all = values(trailers, name);
            return all.isEmpty() ? null : all.get(0);
        }

        String bodyText() {
            return text(body);
        }
    }

    /**
     * A request as an upstream saw it.
     *
     * @param connection which accepted connection carried it, counting from 1
     * @param rawHead the head as received, CRLFs included
     * @param body the decoded body (chunks joined)
     * @param chunked whether it came with {@code Transfer-Encoding: chunked}
     */
    record UpstreamRequest(int connection, String method, String target, String version, List<Field> headers,
            byte[] body, List<Field> trailers, boolean chunked, String rawHead) {

        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.get(0);
        }

        List<String> headers(String name) {
            return values(headers, name);
        }

        boolean has(String name) {
            return !headers(name).isEmpty();
        }

        List<String> fieldNames() {
            return headers.stream().map(Field::name).toList();
        }
    }

    // ---- Reading HTTP/1.x off a stream ----------------------------------------------------------------------

    /**
     * Reads a line ending in CRLF and returns it without the CRLF; null when the stream ends before its first
     * byte. A bare LF, or an end of stream inside the line, fails: the proxy must frame its output exactly.
     */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside a line: '" + line.toString(StandardCharsets.ISO_8859_1) + "'");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                if (bytes.length == 0 || bytes[bytes.length - 1] != '\r') {
                    throw new AssertionError("bare LF after '" + text(bytes) + "'");
                }
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    /** Field lines up to the empty line that ends a head or trailer section. */
    static List<Field> readFields(InputStream in, StringBuilder raw) throws IOException {
        List<Field> fields = new ArrayList<>();
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("stream ended inside a field section");
            }
            raw.append(line).append("\r\n");
            if (line.isEmpty()) {
                return fields;
            }
            int colon = line.indexOf(':');
            assertTrue(colon > 0, () -> "not a field line: '" + line + "'");
            fields.add(new Field(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
    }

    private static boolean isChunked(List<Field> fields) {
        for (String value : values(fields, "Transfer-Encoding")) {
            if (value.toLowerCase(Locale.ROOT).contains("chunked")) {
                return true;
            }
        }
        return false;
    }

    /** The result of reading a chunked body: what arrived, and whether the last chunk and trailers did. */
    private record Chunked(byte[] body, List<Field> trailers, boolean complete) {
    }

    private static Chunked readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    return new Chunked(body.toByteArray(), List.of(), false);
                }
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip(), 16);
                if (size == 0) {
                    return new Chunked(body.toByteArray(), readFields(in, new StringBuilder()), true);
                }
                byte[] data = in.readNBytes(size);
                body.write(data);
                if (data.length < size) {
                    return new Chunked(body.toByteArray(), List.of(), false);
                }
                String crlf = readLine(in);
                if (crlf == null) {
                    return new Chunked(body.toByteArray(), List.of(), false);
                }
                assertEquals("", crlf, "chunk data must be followed by CRLF");
            }
        } catch (EOFException | SocketException e) {
            return new Chunked(body.toByteArray(), List.of(), false);
        }
    }

    /**
     * Reads one response, body included, framed as RFC 9112 section 6.3 says a client must: no body for HEAD,
     * 1xx, 204 and 304; then chunked; then Content-Length; else until the connection closes. A 1xx is
     * returned on its own; read again for the final response.
     */
    static RawResponse readResponse(InputStream in, boolean toHead) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        assertTrue(statusLine.matches("HTTP/1\\.[01] \\d{3} .*"), () -> "not a status line: '" + statusLine + "'");
        int status = Integer.parseInt(statusLine.substring(9, 12));
        List<Field> headers = readFields(in, new StringBuilder());
        if (toHead || status < 200 || status == 204 || status == 304) {
            return new RawResponse(statusLine, status, headers, new byte[0], List.of(), Framing.NONE, true);
        }
        if (isChunked(headers)) {
            Chunked chunked = readChunked(in);
            return new RawResponse(statusLine, status, headers, chunked.body(), chunked.trailers(), Framing.CHUNKED,
                    chunked.complete());
        }
        List<String> lengths = values(headers, "Content-Length");
        if (!lengths.isEmpty()) {
            assertEquals(1, lengths.size(), "one Content-Length field");
            int length = Integer.parseInt(lengths.get(0));
            byte[] body = readUpTo(in, length);
            return new RawResponse(statusLine, status, headers, body, List.of(), Framing.CONTENT_LENGTH,
                    body.length == length);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean complete = true;
        try {
            in.transferTo(body);
        } catch (SocketException e) {
            complete = false; // a reset: whatever arrived is all there is
        }
        return new RawResponse(statusLine, status, headers, body.toByteArray(), List.of(), Framing.CLOSE, complete);
    }

    /** Up to {@code length} bytes: fewer when the stream ends or is reset first. */
    private static byte[] readUpTo(InputStream in, int length) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(length, 1 << 20));
        byte[] buffer = new byte[16 * 1024];
        try {
            while (out.size() < length) {
                int n = in.read(buffer, 0, Math.min(buffer.length, length - out.size()));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
            }
        } catch (SocketException e) {
            // A reset ends the body as surely as a close; the caller sees it is short.
        }
        return out.toByteArray();
    }

    /**
     * Reads until the peer closes, and returns how many bytes came first; fails when the connection is still
     * open after the read timeout. A reset counts as closed.
     */
    static long drainUntilClosed(InputStream in) throws IOException {
        long count = 0;
        byte[] buffer = new byte[16 * 1024];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                count += n;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was still open after " + READ_TIMEOUT.toMillis() + " ms", e);
        } catch (SocketException e) {
            // reset: closed
        }
        return count;
    }

    // ---- A raw client -----------------------------------------------------------------------------------------

    /** One client connection to the proxy, writing bytes exactly as given. */
    static final class RawClient implements Closeable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        private RawClient(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            this.out = socket.getOutputStream();
        }

        static RawClient connect(DevProxy proxy) throws IOException {
            return connect(proxy, 0);
        }

        /** A TLS connection to the proxy's HTTPS listener, trusting the certificate the proxy hands out. */
        static RawClient connectTls(DevProxy proxy) throws IOException {
            Socket socket = proxy.tlsTrust().sslContext().getSocketFactory()
                    .createSocket(LOOPBACK, proxy.httpsPort());
            try {
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
                ((SSLSocket) socket).startHandshake();
                return new RawClient(socket);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        /** With {@code receiveBuffer} > 0, a small receive window, to make the proxy's writes block early. */
        static RawClient connect(DevProxy proxy, int receiveBuffer) throws IOException {
            Socket socket = new Socket();
            try {
                if (receiveBuffer > 0) {
                    socket.setReceiveBufferSize(receiveBuffer);
                }
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
                socket.connect(new InetSocketAddress(LOOPBACK, proxy.port()), (int) READ_TIMEOUT.toMillis());
                return new RawClient(socket);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        RawClient send(String text) throws IOException {
            return send(ascii(text));
        }

        RawClient send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            return this;
        }

        RawResponse read() throws IOException {
            return readResponse(in, false);
        }

        RawResponse readToHead() throws IOException {
            return readResponse(in, true);
        }

        /** Sends {@code request} and reads its response. */
        RawResponse exchange(String request) throws IOException {
            send(request);
            return read();
        }

        /** Reads the status line and fields only, leaving the body on the stream. */
        RawResponse readHeadOnly() throws IOException {
            String statusLine = readLine(in);
            if (statusLine == null) {
                throw new EOFException("connection closed before a response");
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            List<Field> headers = readFields(in, new StringBuilder());
            return new RawResponse(statusLine, status, headers, new byte[0], List.of(), Framing.NONE, true);
        }

        /** Reads until the proxy closes the connection; returns the bytes that came before. */
        long drainUntilClosed() throws IOException {
            return ProxyTestKit.drainUntilClosed(in);
        }

        /** Resets the connection instead of closing it gracefully. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A {@code 200} whose plain-text body is {@code body}: what an upstream echoing each request's target says. */
    static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /** {@code GET <target> HTTP/1.1} with a Host field and nothing else. */
    static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: devproxy.test\r\n\r\n";
    }

    // ---- The scripted upstream --------------------------------------------------------------------------------

    /** What a {@link ScriptedUpstream} does with each connection it accepts, on a thread of its own. */
    @FunctionalInterface
    interface Script {
        void run(Peer peer) throws Exception;
    }

    /**
     * The transport of both legs of a proxied exchange, so that one test runs over plain TCP and over TLS: with
     * {@link #TLS} the client talks to the proxy's HTTPS listener and the proxy to a TLS upstream, so every byte
     * of framing crosses two record layers, where records split and join messages at other places than TCP
     * segments do.
     */
    enum Legs {
        PLAIN, TLS;

        /** Signs the TLS upstreams' certificates; the proxy trusts it and nothing else. */
        static final TlsIdentity AUTHORITY =
                CertificateMaker.certificateAuthority("Scripted upstream CA", Duration.ofDays(1));
        private static final TlsIdentity UPSTREAM_LEAF =
                CertificateMaker.leaf(AUTHORITY, List.of("127.0.0.1", "localhost"),
                        Duration.ofDays(1));

        static SSLContext upstreamServerContext() {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(UPSTREAM_LEAF.keyManagers(), null, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        ScriptedUpstream upstream(Script script) throws IOException {
            return this == TLS ? ScriptedUpstream.startTls(script) : ScriptedUpstream.start(script);
        }

        /** A proxy builder on a free port; over TLS with an HTTPS listener and trusting the upstreams' CA. */
        DevProxy.Builder proxy() {
            DevProxy.Builder builder = DevProxy.builder().port(0);
            return this == TLS ? builder.tlsPort(0).upstreamSslContext(AUTHORITY.clientContext()) : builder;
        }

        RawClient connect(DevProxy proxy) throws IOException {
            return this == TLS ? RawClient.connectTls(proxy) : RawClient.connect(proxy);
        }
    }

    /**
     * An upstream written as raw bytes: each accepted connection runs a {@link Script}, which may answer
     * well, slowly, with garbage, or not at all. It records every request it reads and every connection it
     * accepts, and closes them all on {@link #close()}.
     */
    static final class ScriptedUpstream implements Closeable {
        private final ServerSocket server;
        private final boolean tls;
        private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "scripted-upstream");
            thread.setDaemon(true);
            return thread;
        });
        private final AtomicInteger accepted = new AtomicInteger();
        private final BlockingQueue<UpstreamRequest> requests = new LinkedBlockingQueue<>();
        private final Queue<Socket> sockets = new ConcurrentLinkedQueue<>();
        private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

        private ScriptedUpstream(ServerSocket server, boolean tls, Script script) {
            this.server = server;
            this.tls = tls;
            threads.execute(() -> acceptLoop(script));
        }

        static ScriptedUpstream start(Script script) throws IOException {
            return new ScriptedUpstream(new ServerSocket(0, 50, LOOPBACK), false, script);
        }

        /** The same upstream speaking TLS, with a certificate for 127.0.0.1 signed by {@link Legs#AUTHORITY}. */
        static ScriptedUpstream startTls(Script script) throws IOException {
            return new ScriptedUpstream(Legs.upstreamServerContext().getServerSocketFactory()
                    .createServerSocket(0, 50, LOOPBACK), true, script);
        }

        /** Answers every request on every connection with {@code response}, keeping connections open. */
        static ScriptedUpstream answering(String response) throws IOException {
            return answering(request -> response);
        }

        /** Answers every request with what {@code responder} makes of it, keeping connections open. */
        static ScriptedUpstream answering(Function<UpstreamRequest, String> responder) throws IOException {
            return start(peer -> {
                for (UpstreamRequest request; (request = peer.readRequest()) != null; ) {
                    peer.send(responder.apply(request));
                }
            });
        }

        private void acceptLoop(Script script) {
            while (!server.isClosed()) {
                Socket socket;
                try {
                    socket = server.accept();
                } catch (IOException e) {
                    return; // closed
                }
                sockets.add(socket);
                int number = accepted.incrementAndGet();
                try {
                    threads.execute(() -> {
                        try (Socket s = socket) {
                            s.setSoTimeout((int) READ_TIMEOUT.toMillis());
                            script.run(new Peer(number, s, requests));
                        } catch (Exception | AssertionError e) {
                            failures.add(e);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    closeQuietly(socket);
                    return;
                }
            }
        }

        Upstream upstream() {
            return Upstream.of("127.0.0.1", server.getLocalPort(), tls);
        }

        int port() {
            return server.getLocalPort();
        }

        /** Connections accepted so far. */
        int accepted() {
            return accepted.get();
        }

        /** The next request read by any connection, waiting up to the read timeout. */
        UpstreamRequest takeRequest() throws InterruptedException {
            UpstreamRequest request = requests.poll(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(request, "the upstream received no request within " + READ_TIMEOUT.toMillis() + " ms");
            return request;
        }

        /** Requests read so far and not yet taken. */
        int pendingRequests() {
            return requests.size();
        }

        /** What went wrong inside scripts (often expected: the proxy closing on them). */
        List<Throwable> failures() {
            return List.copyOf(failures);
        }

        @Override
        public void close() {
            closeQuietly(server);
            for (Socket socket : sockets) {
                closeQuietly(socket);
            }
            threads.shutdownNow();
            try {
                if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                    throw new AssertionError("scripted upstream threads did not stop within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** The upstream's side of one connection from the proxy. */
    static final class Peer {
        final int number;
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        private final BlockingQueue<UpstreamRequest> requests;

        Peer(int number, Socket socket, BlockingQueue<UpstreamRequest> requests) throws IOException {
            this.number = number;
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            this.out = socket.getOutputStream();
            this.requests = requests;
        }

        /** Reads a whole request (head and body) and records it; null when the proxy closed the connection first. */
        UpstreamRequest readRequest() throws IOException {
            UpstreamRequest head = readHead();
            if (head == null) {
                return null;
            }
            byte[] body = new byte[0];
            List<Field> trailers = List.of();
            if (head.chunked()) {
                Chunked chunked = readChunked(in);
                if (!chunked.complete()) {
                    throw new EOFException("request body cut short");
                }
                body = chunked.body();
                trailers = chunked.trailers();
            } else if (head.has("Content-Length")) {
                body = in.readNBytes(Integer.parseInt(head.header("Content-Length")));
            }
            UpstreamRequest request = new UpstreamRequest(number, head.method(), head.target(), head.version(),
                    head.headers(), body, trailers, head.chunked(), head.rawHead());
            requests.add(request);
            return request;
        }

        /** Reads a request head only, without recording it; null at end of stream. */
        UpstreamRequest readHead() throws IOException {
            String requestLine;
            try {
                requestLine = readLine(in);
            } catch (SocketException e) {
                return null;
            }
            if (requestLine == null) {
                return null;
            }
            StringBuilder raw = new StringBuilder(requestLine).append("\r\n");
            String[] parts = requestLine.split(" ", -1);
            assertEquals(3, parts.length, () -> "request line '" + requestLine + "'");
            List<Field> headers = readFields(in, raw);
            return new UpstreamRequest(number, parts[0], parts[1], parts[2], headers, new byte[0], List.of(),
                    isChunked(headers), raw.toString());
        }

        Peer send(String text) throws IOException {
            return send(ascii(text));
        }

        Peer send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            return this;
        }

        /** Closes with a TCP reset (SO_LINGER 0) rather than a FIN. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /**
         * Waits for the proxy to close this connection, reading and discarding what comes first; true when it
         * did within the read timeout, false when the connection was still open then.
         */
        boolean awaitClosedByProxy() throws IOException {
            byte[] buffer = new byte[16 * 1024];
            try {
                while (in.read(buffer) >= 0) {
                    // discard
                }
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true; // reset
            }
        }
    }

    /**
     * Answers with a {@code length}-byte body and writes it until done or until the proxy closes the
     * connection; true when the proxy closed it first.
     */
    static boolean streamUntilClosedByProxy(Peer peer, long length) throws IOException {
        peer.send("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n");
        byte[] buffer = new byte[64 * 1024];
        try (GeneratedBody body = new GeneratedBody(1, length)) {
            for (int n; (n = body.read(buffer, 0, buffer.length)) > 0; ) {
                peer.out.write(buffer, 0, n);
            }
        } catch (SocketException e) {
            return true; // reset or broken pipe: the proxy closed its end
        }
        return false;
    }

    // ---- The recording HttpServer upstream ----------------------------------------------------------------------

    /**
     * What a {@link HttpUpstream} received: the request as the JDK's server parsed it, its body only as length
     * and SHA-256 (bodies may be large), and the proxy's port, to count upstream connections.
     */
    record Received(String method, URI uri, Map<String, List<String>> headers, long bodyLength, String bodySha256,
            int remotePort) {

        String header(String name) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                    return entry.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** How a {@link HttpUpstream} answers, after it has read and recorded the request. */
    @FunctionalInterface
    interface Responder {
        void respond(Received request, HttpExchange exchange) throws IOException;
    }

    /** The JDK's {@link HttpServer} as an upstream that records every request and streams any body. */
    static final class HttpUpstream implements Closeable {
        private final HttpServer server;
        private final ExecutorService executor;
        private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        private final List<Received> all = new java.util.concurrent.CopyOnWriteArrayList<>();

        private HttpUpstream(Responder responder) throws IOException {
            server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 50);
            executor = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "http-upstream");
                thread.setDaemon(true);
                return thread;
            });
            server.setExecutor(executor);
            server.createContext("/", exchange -> {
                try {
                    MessageDigest digest = sha256();
                    long length = 0;
                    byte[] buffer = new byte[64 * 1024];
                    try (InputStream body = exchange.getRequestBody()) {
                        for (int n; (n = body.read(buffer)) >= 0; ) {
                            digest.update(buffer, 0, n);
                            length += n;
                        }
                    }
                    Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI(),
                            Map.copyOf(exchange.getRequestHeaders()), length, HexFormat.of().formatHex(digest.digest()),
                            exchange.getRemoteAddress().getPort());
                    all.add(request);
                    received.add(request);
                    responder.respond(request, exchange);
                } finally {
                    exchange.close();
                }
            });
            server.start();
        }

        static HttpUpstream start(Responder responder) throws IOException {
            return new HttpUpstream(responder);
        }

        /** Answers 200 with {@code method uri} as text. */
        static HttpUpstream describing() throws IOException {
            return start((request, exchange) -> sendText(exchange, 200, request.method() + " " + request.uri()));
        }

        static void sendText(HttpExchange exchange, int status, String text) throws IOException {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        }

        Upstream upstream() {
            return Upstream.of("127.0.0.1", server.getAddress().getPort());
        }

        Received take() throws InterruptedException {
            Received request = received.poll(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(request, "the upstream received no request within " + READ_TIMEOUT.toMillis() + " ms");
            return request;
        }

        List<Received> all() {
            return List.copyOf(all);
        }

        /** Distinct proxy-side ports seen: the number of upstream connections the proxy opened. */
        long connections() {
            return all.stream().mapToInt(Received::remotePort).distinct().count();
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /** Asserts DevProxy's plain-text error format: the status, plain text, {@code Connection: close}, then the close. */
    static void assertErrorResponse(RawClient client, RawResponse response, int status, String body) throws IOException {
        assertEquals(status, response.status(), () -> "status line " + response.statusLine());
        assertEquals("text/plain; charset=utf-8", response.header("Content-Type"));
        assertEquals("close", response.header("Connection"));
        assertEquals(body, response.bodyText());
        assertEquals(0, client.drainUntilClosed(), "nothing after the error response, then the close");
    }
}
