package dev.devproxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A slow-HTTP attacker on one thread, like {@code slowhttptest}: it keeps {@code count} connections open,
 * opening at most {@code perSecond} a second, and on each one sends a request as slowly as the {@link Mode}
 * says, forever. A connection the server cuts off is replaced by a new one. It records how each one ended.
 *
 * <p>Not thread-safe: {@link #start()} and {@link #stop()} from the test's thread; the counts are read after
 * {@code stop()}.
 */
final class SlowClients {
    /** How a slow client holds its connection. */
    enum Mode {
        /** Slowloris: a request line, then one more header line every interval, never the end of the head. */
        HEADERS,
        /** R-U-Dead-Yet: a whole head announcing 100,000 bytes of body, then 8 bytes every interval. */
        BODY,
        /**
         * Slow read: a whole request for {@code /big} from a socket with a 4 KiB receive buffer, then 64 bytes
         * read every interval, so the server can always write a little and never finish.
         */
        READ
    }

    /**
     * How the connections ended.
     *
     * @param opened connections opened, replacements included
     * @param cutByStatus connections the server closed after sending this status (the first of the
     *     connection), by status
     * @param cutSilently connections the server closed without sending anything
     * @param resets connections reset by the server
     * @param openAtStop connections still open (or still in the accept backlog) when the attack stopped
     */
    record Outcome(int opened, Map<Integer, Integer> cutByStatus, int cutSilently, int resets, int openAtStop) {
        int cut() {
            return cutByStatus.values().stream().mapToInt(Integer::intValue).sum() + cutSilently + resets;
        }
    }

    private static final class Client {
        final ByteBuffer pending;
        final byte[] first = new byte[12];
        int firstBytes;
        int lines;

        Client(String start) {
            pending = ByteBuffer.wrap(start.getBytes(StandardCharsets.ISO_8859_1));
        }

        int status() {
            String line = new String(first, 0, firstBytes, StandardCharsets.ISO_8859_1);
            return firstBytes == 12 && line.startsWith("HTTP/1.") ? Integer.parseInt(line.substring(9, 12)) : -1;
        }
    }

    private final InetSocketAddress address;
    private final Mode mode;
    private final int count;
    private final int perSecond;
    private final long intervalNanos;
    private final Thread thread;
    private volatile boolean running = true;

    private final Map<Integer, Integer> cutByStatus = new TreeMap<>();
    private int opened;
    private int cutSilently;
    private int resets;
    private int openAtStop;

    SlowClients(InetSocketAddress address, Mode mode, int count, int perSecond, Duration interval) {
        this.address = address;
        this.mode = mode;
        this.count = count;
        this.perSecond = perSecond;
        this.intervalNanos = interval.toNanos();
        this.thread = new Thread(this::run, "slow-clients-" + mode.name().toLowerCase(java.util.Locale.ROOT));
        this.thread.setDaemon(true);
    }

    SlowClients start() {
        thread.start();
        return this;
    }

    /** Stops the attack, closes every connection, and returns how they ended. */
    Outcome stop() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(10));
        if (thread.isAlive()) {
            throw new AssertionError("the slow clients did not stop");
        }
        return new Outcome(opened, Map.copyOf(cutByStatus), cutSilently, resets, openAtStop);
    }

    private void run() {
        ByteBuffer scratch = ByteBuffer.allocate(16 * 1024);
        long started = System.nanoTime();
        long nextTick = started;
        try (Selector selector = Selector.open()) {
            while (running) {
                long now = System.nanoTime();
                long allowed = Math.max(1, (now - started) * perSecond / 1_000_000_000L);
                while (selector.keys().size() < count && opened < allowed) {
                    open(selector);
                }
                if (now - nextTick >= 0) {
                    nextTick = now + intervalNanos;
                    for (SelectionKey key : selector.keys()) {
                        tick(key, scratch);
                    }
                }
                selector.select(5);
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key, scratch);
                }
                selector.selectedKeys().clear();
            }
            for (SelectionKey key : selector.keys()) {
                openAtStop++;
                closeQuietly(key);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void open(Selector selector) throws IOException {
        opened++;
        String start = switch (mode) {
            case HEADERS -> "GET /slow/" + opened + " HTTP/1.1\r\nHost: slow\r\n";
            case BODY -> "POST /slow/" + opened + " HTTP/1.1\r\nHost: slow\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 100000\r\n\r\n";
            case READ -> "GET /big HTTP/1.1\r\nHost: slow\r\n\r\n";
        };
        SocketChannel channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            if (mode == Mode.READ) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            }
            boolean connected = channel.connect(address);
            channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, new Client(start));
        } catch (IOException e) {
            channel.close();
            resets++;
        }
    }

    /** Once per interval: the next slow piece of the request, or a slow read. */
    private void tick(SelectionKey key, ByteBuffer scratch) {
        Client client = (Client) key.attachment();
        if (!key.isValid() || client.pending.hasRemaining() || !((SocketChannel) key.channel()).isConnected()) {
            return;
        }
        switch (mode) {
            case HEADERS -> write(key, "X-Slow-" + ++client.lines + ": " + "a".repeat(8) + "\r\n");
            case BODY -> write(key, "a=bcdef&");
            case READ -> read(key, scratch.clear().limit(64));
        }
    }

    private void write(SelectionKey key, String piece) {
        Client client = (Client) key.attachment();
        try {
            ((SocketChannel) key.channel()).write(ByteBuffer.wrap(piece.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            ended(key, client, true);
        }
    }

    private void handle(SelectionKey key, ByteBuffer scratch) {
        Client client = (Client) key.attachment();
        SocketChannel channel = (SocketChannel) key.channel();
        try {
            if (key.isConnectable()) {
                channel.finishConnect();
                key.interestOps(SelectionKey.OP_WRITE);
            } else if (key.isWritable()) {
                channel.write(client.pending);
                if (!client.pending.hasRemaining()) {
                    // A slow reader reads on its ticks only; the others read whenever the server answers.
                    key.interestOps(mode == Mode.READ ? 0 : SelectionKey.OP_READ);
                }
            } else if (key.isReadable()) {
                read(key, scratch.clear());
            }
        } catch (IOException e) {
            ended(key, client, true);
        }
    }

    private void read(SelectionKey key, ByteBuffer into) {
        Client client = (Client) key.attachment();
        try {
            int read = ((SocketChannel) key.channel()).read(into);
            if (read < 0) {
                ended(key, client, false);
                return;
            }
            into.flip();
            int copy = Math.min(into.remaining(), client.first.length - client.firstBytes);
            into.get(client.first, client.firstBytes, copy);
            client.firstBytes += copy;
        } catch (IOException e) {
            ended(key, client, true);
        }
    }

    private void ended(SelectionKey key, Client client, boolean reset) {
        if (!key.isValid()) {
            return;
        }
        closeQuietly(key);
        if (client.status() > 0) {
            cutByStatus.merge(client.status(), 1, Integer::sum);
        } else if (reset) {
            resets++;
        } else {
            cutSilently++;
        }
    }

    private static void closeQuietly(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
