package dev.devproxy.examples.parseronly;

import dev.devproxy.parser.AsciiView;
import dev.devproxy.parser.HeaderName;
import dev.devproxy.parser.ParseStatus;
import dev.devproxy.parser.RequestHead;
import dev.devproxy.parser.RequestParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP/1.1 server built on devproxy-parser alone: blocking sockets, one thread per connection, each
 * reading into its own direct buffer and answering from responses encoded once. Routing reads the path and the
 * {@code X-Api-Version} field through views and a pre-encoded {@link HeaderName}, so a request costs no
 * allocation once the connection is set up:
 *
 * <ul>
 *   <li>{@code GET /health}: 200 {@code ok}</li>
 *   <li>{@code GET /api/...}: 200 {@code v2} with {@code X-Api-Version: 2}, else 200 {@code v1}</li>
 *   <li>any other path: 404; any other method: 405 (its body read and dropped)</li>
 *   <li>a request the parser rejects: the status its error names (400, 413, 414, 431, 501, 505), then close</li>
 * </ul>
 *
 * <p>Pipelined requests are answered in order; a connection closes after a request that does not keep it alive
 * ({@code Connection: close}, HTTP/1.0) or when the client closes. Not a production server: no timeouts, and a
 * thread per connection.
 */
public final class ParserOnlyServer implements AutoCloseable {
    /** The field {@link #route} reads, encoded once. */
    static final HeaderName API_VERSION = HeaderName.of("X-Api-Version");

    /** What a request gets, each with its response encoded once. */
    enum Route {
        HEALTH("200 OK", "ok"),
        API_V1("200 OK", "v1"),
        API_V2("200 OK", "v2"),
        NOT_FOUND("404 Not Found", "not found"),
        METHOD_NOT_ALLOWED("405 Method Not Allowed", "GET only");

        private final byte[] response;

        Route(String status, String body) {
            response = ("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final ServerSocketChannel server;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "parser-only-server");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();

    private ParserOnlyServer(ServerSocketChannel server) {
        this.server = server;
    }

    /**
     * Starts a server on a free loopback port.
     *
     * @return the running server; {@link #close()} stops it
     * @throws UncheckedIOException if no port can be bound
     */
    public static ParserOnlyServer start() {
        try {
            ServerSocketChannel channel = ServerSocketChannel.open();
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ParserOnlyServer running = new ParserOnlyServer(channel);
            running.threads.execute(running::acceptLoop);
            return running;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs a server until the JVM is stopped.
     *
     * @param args none
     * @throws InterruptedException when interrupted while running
     */
    public static void main(String[] args) throws InterruptedException {
        try (ParserOnlyServer running = start()) {
            System.out.println("listening on http://localhost:" + running.port() + "/health");
            Thread.currentThread().join();
        }
    }

    /**
     * The port the server listens on.
     *
     * @return the bound port
     */
    public int port() {
        return server.socket().getLocalPort();
    }

    /**
     * Routes a request on its method, its path and {@code X-Api-Version}, allocating nothing.
     *
     * @param head the request's head
     * @param view a view to point at the parts compared, owned by the caller
     * @return where the request goes
     */
    static Route route(RequestHead head, AsciiView view) {
        if (!head.method(view).contentEquals("GET")) {
            return Route.METHOD_NOT_ALLOWED;
        }
        AsciiView path = head.path(view);
        if (path.contentEquals("/health")) {
            return Route.HEALTH;
        }
        if (!path.startsWith("/api/")) {
            return Route.NOT_FOUND;
        }
        int version = head.headers().indexOf(API_VERSION);
        return version >= 0 && head.headers().value(version, view).contentEquals("2") ? Route.API_V2 : Route.API_V1;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                open.add(client);
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Serves one connection until either side closes it. */
    private void serve(SocketChannel client) {
        // Per connection: a parser, a direct buffer to read into, a view, and a buffer over each response.
        RequestParser parser = new RequestParser();
        ByteBuffer buffer = ByteBuffer.allocateDirect(16 * 1024).flip();   // empty, ready to be parsed from
        AsciiView view = new AsciiView();
        ByteBuffer[] responses = new ByteBuffer[Route.values().length];
        for (Route route : Route.values()) {
            responses[route.ordinal()] = ByteBuffer.wrap(route.response);
        }
        try (client) {
            Route route = Route.NOT_FOUND;
            while (true) {
                ParseStatus status = parser.parse(buffer);
                switch (status) {
                    case HEAD -> route = route(parser.head(), view);   // the head stays valid until the next HEAD
                    case BODY -> { }                                     // no route reads a body: drop the run
                    case END -> {
                        write(client, responses[route.ordinal()].rewind());
                        if (!parser.head().keepAlive()) {
                            return;
                        }
                    }
                    case ERROR -> {
                        // Rare, so made here: the status the error names, the error as the reason phrase.
                        String statusLine = "HTTP/1.1 " + parser.error().status() + " " + parser.error();
                        write(client, ByteBuffer.wrap((statusLine + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII)));
                        return;
                    }
                    case NEED_MORE -> {                                  // every byte given was consumed
                        buffer.compact();
                        int read = client.read(buffer);
                        buffer.flip();
                        if (read < 0) {
                            return;                                      // the client closed its side
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The client went away mid-exchange: nothing to answer.
        } finally {
            open.remove(client);
        }
    }

    private static void write(SocketChannel client, ByteBuffer response) throws IOException {
        while (response.hasRemaining()) {
            client.write(response);
        }
    }

    /** Stops accepting, closes every open connection and lets the threads end. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        for (SocketChannel client : open) {
            try {
                client.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        threads.shutdown();
    }
}
