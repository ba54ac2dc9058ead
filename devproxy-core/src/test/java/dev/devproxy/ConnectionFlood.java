package dev.devproxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Many clients at once from one thread: each opens a connection, sends one request with
 * {@code Connection: close}, reads until the server closes, and keeps the status it got. Non-blocking, so a
 * thousand connections waiting in the accept backlog cost a thousand sockets and no threads.
 *
 * <p>A connection the kernel cannot complete at once (the listener's accept queue is full) stays pending: the
 * kernel retransmits its SYN, as for any client, so a flood against a capped server shows how long the last
 * client waited, not a failure.
 */
final class ConnectionFlood {

    /**
     * What the flood saw.
     *
     * @param statuses how many connections got each status
     * @param failures connections that ended without a status: reset, refused, or unfinished at the deadline
     * @param sampleFailures the first few failures, for the assertion message
     * @param latenciesMillis from the connect call to the end of the response, sorted, one per answered connection
     */
    record Result(int attempted, Map<Integer, Integer> statuses, int failures, List<String> sampleFailures,
            long elapsedMillis, long[] latenciesMillis) {

        int answered(int status) {
            return statuses.getOrDefault(status, 0);
        }

        long percentileMillis(double percentile) {
            if (latenciesMillis.length == 0) {
                return -1;
            }
            int index = (int) Math.ceil(percentile / 100 * latenciesMillis.length) - 1;
            return latenciesMillis[Math.max(0, Math.min(latenciesMillis.length - 1, index))];
        }

        @Override
        public String toString() {
            return attempted + " connections in " + elapsedMillis + " ms: statuses " + statuses + ", " + failures
                    + " failures " + sampleFailures + ", latency p50 " + percentileMillis(50) + " ms, p99 "
                    + percentileMillis(99) + " ms, max " + percentileMillis(100) + " ms";
        }
    }

    /** One client's state. */
    private static final class Client {
        final long startNanos = System.nanoTime();
        final ByteBuffer request;
        final byte[] statusLine = new byte[12];
        int statusBytes;

        Client(byte[] request) {
            this.request = ByteBuffer.wrap(request);
        }

        int status() {
            if (statusBytes < 12) {
                return -1;
            }
            String line = new String(statusLine, StandardCharsets.ISO_8859_1);
            return line.startsWith("HTTP/1.") ? Integer.parseInt(line.substring(9, 12)) : -1;
        }
    }

    private ConnectionFlood() {
    }

    /**
     * Opens {@code connections} connections to {@code address}, at most {@code maxInFlight} at a time, each
     * sending {@code GET /flood/<n>}; returns when every one has ended or {@code deadline} has passed.
     */
    static Result run(InetSocketAddress address, int connections, int maxInFlight, Duration deadline)
            throws IOException {
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> sampleFailures = new ArrayList<>();
        long[] latencies = new long[connections];
        int answered = 0;
        int failures = 0;
        int started = 0;
        int inFlight = 0;
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        ByteBuffer scratch = ByteBuffer.allocate(16 * 1024);
        try (Selector selector = Selector.open()) {
            while ((started < connections || inFlight > 0) && System.nanoTime() - end < 0) {
                while (started < connections && inFlight < maxInFlight) {
                    byte[] request = ("GET /flood/" + started + " HTTP/1.1\r\nHost: flood\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1);
                    started++;
                    SocketChannel channel = null;
                    try {
                        channel = SocketChannel.open();
                        channel.configureBlocking(false);
                        boolean connected = channel.connect(address);
                        channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT,
                                new Client(request));
                        inFlight++;
                    } catch (IOException e) {
                        failures++;
                        note(sampleFailures, "open: " + e);
                        closeQuietly(channel);
                    }
                }
                selector.select(10);
                for (SelectionKey key : selector.selectedKeys()) {
                    Client client = (Client) key.attachment();
                    SocketChannel channel = (SocketChannel) key.channel();
                    int outcome; // 0: go on; 1: answered; -1: failed
                    try {
                        outcome = step(key, channel, client, scratch);
                    } catch (IOException e) {
                        outcome = client.status() > 0 ? 1 : -1; // a reset after the status still answered it
                        if (outcome < 0) {
                            note(sampleFailures, "status " + client.status() + ": " + e);
                        }
                    }
                    if (outcome != 0) {
                        key.cancel();
                        closeQuietly(channel);
                        inFlight--;
                        if (outcome > 0) {
                            statuses.merge(client.status(), 1, Integer::sum);
                            latencies[answered++] = (System.nanoTime() - client.startNanos) / 1_000_000;
                        } else {
                            failures++;
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
            for (SelectionKey key : selector.keys()) {
                if (!key.isValid()) {
                    continue; // ended and cancelled; deregistered at the next select
                }
                failures++;
                note(sampleFailures, "unfinished at the deadline, status " + ((Client) key.attachment()).status());
                closeQuietly(key.channel());
            }
        }
        failures += connections - started;
        long[] sorted = Arrays.copyOf(latencies, answered);
        Arrays.sort(sorted);
        return new Result(connections, statuses, failures, sampleFailures, (System.nanoTime() - start) / 1_000_000,
                sorted);
    }

    /** Advances one client; 1 when the server closed after a status line, -1 when it closed before one. */
    private static int step(SelectionKey key, SocketChannel channel, Client client, ByteBuffer scratch)
            throws IOException {
        if (key.isConnectable()) {
            channel.finishConnect();
            key.interestOps(SelectionKey.OP_WRITE);
            return 0;
        }
        if (key.isWritable()) {
            channel.write(client.request);
            if (!client.request.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ);
            }
            return 0;
        }
        if (key.isReadable()) {
            scratch.clear();
            int count = channel.read(scratch);
            if (count < 0) {
                return client.status() > 0 ? 1 : -1;
            }
            int copy = Math.min(count, client.statusLine.length - client.statusBytes);
            scratch.flip().get(client.statusLine, client.statusBytes, copy);
            client.statusBytes += copy;
        }
        return 0;
    }

    private static void note(List<String> sample, String failure) {
        if (sample.size() < 5) {
            sample.add(failure);
        }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
