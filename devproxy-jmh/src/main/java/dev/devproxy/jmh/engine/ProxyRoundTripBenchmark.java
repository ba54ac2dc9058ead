package dev.devproxy.jmh.engine;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;

import dev.devproxy.DevProxy;
import dev.devproxy.Upstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The latency of one request/response through a DevProxy in proxy mode, on loopback: the path the echo benchmark
 * does not cover, with the request head rewritten for the upstream (hop-by-hop fields dropped, Host replaced,
 * {@code X-Forwarded-*} and {@code Via} added), a pooled upstream connection, the response parsed and its head
 * rewritten for the client.
 *
 * <p>Two DevProxies with one event-loop thread each are started once per trial: the upstream answers
 * {@code GET /item} with a stub, {@code 200 "ok"}; the proxy forwards {@code /proxy/*} to it. Each benchmark thread
 * sends {@code GET /proxy/item?n=1} with four header fields on its own keep-alive connection and reads the whole
 * response. Client, proxy and upstream are three threads, so on a 2-core machine this includes their wake-ups;
 * compare it with {@code EchoRoundTripBenchmark} for the cost of the extra hop.
 *
 * <p>{@code @Setup} checks the first response is the stub's, came through the proxy (it carries the proxy's
 * {@code Via}) and keeps the connection open; every later one must be a 200.
 *
 * <pre>
 * java -jar devproxy-jmh/target/benchmarks.jar ProxyRoundTripBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ProxyRoundTripBenchmark {
    private static final byte[] REQUEST = ("GET /proxy/item?n=1 HTTP/1.1\r\nHost: localhost\r\n"
            + "User-Agent: devproxy-jmh\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    /** The upstream and the proxy in front of it, shared by every benchmark thread. */
    @State(Scope.Benchmark)
    public static class Servers {
        /**
         * Whether the proxy keeps a journal (1,000 entries, the library's default) or none (the standalone jar's
         * default, and what the allocation goal is stated for).
         */
        @Param({"off", "on"})
        public String journal = "off";

        @Nullable DevProxy upstream;
        @Nullable DevProxy proxy;

        @Setup(Level.Trial)
        public void start() {
            DevProxy started = DevProxy.builder()
                    .port(0)
                    .ioThreads(1)
                    .keepAliveTimeout(Duration.ofHours(1))
                    .journalCapacity(journal.equals("on") ? 1000 : 0)
                    .build()
                    .start();
            upstream = started;
            started.stubFor(get("/item").willReturn(text(200, "ok")));
            proxy = DevProxy.builder()
                    .port(0)
                    .ioThreads(1)
                    // Far beyond a trial, so a pause between iterations never closes a connection.
                    .keepAliveTimeout(Duration.ofHours(1))
                    .journalCapacity(journal.equals("on") ? 1000 : 0)
                    .upstream(Upstream.of("127.0.0.1", started.port()))
                    .build()
                    .start();
        }

        @TearDown(Level.Trial)
        public void stop() {
            if (proxy != null) {
                proxy.close();
            }
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    /** One keep-alive connection to the proxy per benchmark thread. */
    @State(Scope.Thread)
    public static class Connection {
        private @Nullable LoopbackClient client;

        @Setup(Level.Trial)
        public void connect(Servers servers) throws IOException {
            client = LoopbackClient.openChecked(servers.proxy, REQUEST,
                    text -> text.endsWith("\r\n\r\nok")
                            && text.toLowerCase(Locale.ROOT).contains("\r\nvia: 1.1 devproxy"),
                    "the upstream's stub through the proxy");
        }

        @TearDown(Level.Trial)
        public void disconnect() throws IOException {
            LoopbackClient.close(client);
        }
    }

    @Benchmark
    public int roundTrip(Connection connection) throws IOException {
        return LoopbackClient.roundTrip(connection.client);
    }
}
