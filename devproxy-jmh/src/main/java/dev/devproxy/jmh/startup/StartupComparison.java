package dev.devproxy.jmh.startup;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.devproxy.DevProxy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * What a test harness waits for each time it starts a mock server: from building one with a single stub
 * ({@code GET /hello} → 200 {@code hi}) to the first answer to that request, for DevProxy, WireMock 3.13.2 and
 * OkHttp's MockWebServer 5.5.1 (mockwebserver3), each with its defaults but a free port on loopback.
 *
 * <p>One sample, for each tool: create a {@link HttpClient} (HTTP/1.1, outside the timed part), then start
 * the clock; build and start the server, register the stub, send {@code GET /hello} and read the answer, which
 * must be 200 {@code hi}; stop the clock. The time until the server was started with its stub is also kept:
 * the rest is the request, mostly the client's own work (a new connection, its selector and executor threads).
 * Then stop the server, timed on its own: a harness that starts one per test pays for that too.
 * <ul>
 *   <li><b>fresh</b>: one sample per new JVM ({@value #FRESH_RUNS} JVMs per tool, tools taking turns), as
 *       when a build tool forks a JVM per test class. Class loading and interpretation dominate. The parent
 *       also times the whole child from launch to the answer, JVM start-up included.</li>
 *   <li><b>warm</b>: {@value #WARM_UPS} samples discarded, then {@value #WARM_RUNS} measured, in one JVM per
 *       tool, as in a long test run that starts a server per test.</li>
 * </ul>
 * Medians are reported, with every sample below the table. The children run with the JVM's defaults, like a
 * test JVM; the first request also pays for the client's own first use, the same for every tool.
 *
 * <pre>
 * ./mvnw -q -pl devproxy-jmh -am package -DskipTests
 * java -cp devproxy-jmh/target/benchmarks.jar dev.devproxy.jmh.startup.StartupComparison
 * </pre>
 */
public final class StartupComparison {
    static final int FRESH_RUNS = 5;
    static final int WARM_UPS = 10;
    static final int WARM_RUNS = 10;
    private static final String RESULT = "RESULT";

    /** The servers compared, each with the same stub. */
    enum Tool {
        DEVPROXY("DevProxy") {
            @Override
            Server start() {
                DevProxy proxy = DevProxy.builder().port(0).build().start();
                proxy.stubFor(get("/hello").willReturn(text(200, "hi")));
                return new Server(proxy.port(), proxy::close);
            }
        },
        WIREMOCK("WireMock 3.13.2") {
            @Override
            Server start() {
                WireMockServer server = new WireMockServer(
                        WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
                server.start();
                server.stubFor(WireMock.get(WireMock.urlPathEqualTo("/hello"))
                        .willReturn(WireMock.aResponse().withStatus(200).withBody("hi")));
                return new Server(server.port(), server::stop);
            }
        },
        MOCKWEBSERVER("MockWebServer 5.5.1") {
            @Override
            Server start() throws IOException {
                MockWebServer server = new MockWebServer();
                // A dispatcher, not enqueue(): like a stub, it answers by path and answers every time.
                server.setDispatcher(new Dispatcher() {
                    @Override
                    public MockResponse dispatch(RecordedRequest request) {
                        return "/hello".equals(request.getUrl().encodedPath())
                                ? new MockResponse.Builder().code(200).body("hi").build()
                                : new MockResponse.Builder().code(404).build();
                    }
                });
                server.start(InetAddress.getLoopbackAddress(), 0);
                return new Server(server.getPort(), server::close);
            }
        };

        final String label;

        Tool(String label) {
            this.label = label;
        }

        /** Builds and starts the server with the {@code GET /hello} stub; returns once it accepts connections. */
        abstract Server start() throws IOException;
    }

    /** A started server: its port and how to stop it. */
    record Server(int port, Runnable stop) {
    }

    /**
     * One sample, in nanoseconds: from the start to the first answer, the part of it until the server was
     * started with its stub (the rest is the request), and the stop that followed.
     */
    record Sample(long startToAnswer, long startAndStub, long stop) {
    }

    private StartupComparison() {
    }

    /**
     * With no arguments, runs the whole comparison and prints the table. {@code --fresh TOOL} and
     * {@code --warm TOOL} are what the children run.
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--fresh")) {
            report(sample(Tool.valueOf(args[1]), newClient()));
            System.exit(0); // whatever threads a server left behind
        } else if (args.length == 2 && args[0].equals("--warm")) {
            Tool tool = Tool.valueOf(args[1]);
            HttpClient client = newClient();
            for (int i = 0; i < WARM_UPS; i++) {
                sample(tool, client);
            }
            for (int i = 0; i < WARM_RUNS; i++) {
                report(sample(tool, client));
            }
            System.exit(0);
        } else if (args.length == 0) {
            compare();
        } else {
            System.err.println("usage: StartupComparison [--fresh TOOL | --warm TOOL], TOOL one of "
                    + Arrays.toString(Tool.values()));
            System.exit(2);
        }
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** One timed start-to-answer, then a timed stop. */
    static Sample sample(Tool tool, HttpClient client) throws IOException, InterruptedException {
        long begin = System.nanoTime();
        Server server = tool.start();
        long started = System.nanoTime();
        URI hello = URI.create("http://127.0.0.1:" + server.port() + "/hello");
        HttpResponse<String> response;
        long answered;
        try {
            response = client.send(HttpRequest.newBuilder(hello).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            answered = System.nanoTime();
            server.stop().run();
        }
        long stopped = System.nanoTime();
        if (response.statusCode() != 200 || !response.body().equals("hi")) {
            throw new IllegalStateException(tool.label + " answered " + response.statusCode() + " " + response.body());
        }
        return new Sample(answered - begin, started - begin, stopped - answered);
    }

    private static void report(Sample sample) {
        System.out.println(RESULT + " " + sample.startToAnswer() + " " + sample.startAndStub() + " " + sample.stop());
        System.out.flush();
    }

    // ---- The parent: runs the children and prints the table ------------------------------------------------

    private static void compare() throws IOException, InterruptedException {
        Map<Tool, List<Sample>> fresh = new EnumMap<>(Tool.class);
        Map<Tool, List<Long>> launchToAnswer = new EnumMap<>(Tool.class);
        Map<Tool, List<Sample>> warm = new EnumMap<>(Tool.class);
        for (Tool tool : Tool.values()) {
            fresh.put(tool, new ArrayList<>());
            launchToAnswer.put(tool, new ArrayList<>());
        }
        // Tools take turns, so a drift in the machine's speed does not land on one tool.
        for (int run = 0; run < FRESH_RUNS; run++) {
            for (Tool tool : Tool.values()) {
                long launched = System.nanoTime();
                Child child = runChild("--fresh", tool, 1, launched);
                fresh.get(tool).add(child.samples().get(0));
                launchToAnswer.get(tool).add(child.firstResultNanos() - launched);
            }
        }
        for (Tool tool : Tool.values()) {
            warm.put(tool, runChild("--warm", tool, WARM_RUNS, System.nanoTime()).samples());
        }
        print(fresh, launchToAnswer, warm);
    }

    /** A child's samples, and when (parent's clock) its first result line arrived. */
    record Child(List<Sample> samples, long firstResultNanos) {
    }

    private static Child runChild(String mode, Tool tool, int expected, long launched)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StartupComparison.class.getName(), mode, tool.name())
                .redirectErrorStream(true)
                .start();
        List<Sample> samples = new ArrayList<>();
        StringBuilder output = new StringBuilder();
        long firstResult = 0;
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith(RESULT + " ")) {
                    if (samples.isEmpty()) {
                        firstResult = System.nanoTime();
                    }
                    String[] parts = line.split(" ");
                    samples.add(new Sample(Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                            Long.parseLong(parts[3])));
                } else {
                    output.append(line).append('\n');
                }
            }
        }
        int status = process.waitFor();
        if (status != 0 || samples.size() != expected) {
            throw new IllegalStateException(mode + " " + tool + " exited with " + status + " after "
                    + samples.size() + " of " + expected + " samples; its output:\n" + output);
        }
        return new Child(samples, firstResult);
    }

    private static void print(Map<Tool, List<Sample>> fresh, Map<Tool, List<Long>> launchToAnswer,
            Map<Tool, List<Sample>> warm) {
        String row = "| %-19s | %21s | %26s | %20s | %18s | %10s |%n";
        System.out.println("Start-up, medians in ms:");
        System.out.printf(Locale.ROOT, row, "server", "fresh: start → answer", "fresh: JVM launch → answer",
                "warm: start → answer", "warm: start + stub", "warm: stop");
        System.out.printf(Locale.ROOT, row, "---", "---:", "---:", "---:", "---:", "---:");
        double devproxyFresh = median(map(fresh.get(Tool.DEVPROXY), Sample::startToAnswer));
        double devproxyWarm = median(map(warm.get(Tool.DEVPROXY), Sample::startToAnswer));
        for (Tool tool : Tool.values()) {
            double freshStart = median(map(fresh.get(tool), Sample::startToAnswer));
            double warmStart = median(map(warm.get(tool), Sample::startToAnswer));
            System.out.printf(Locale.ROOT, row, tool.label,
                    ms(freshStart) + ratio(freshStart, devproxyFresh, tool),
                    ms(median(launchToAnswer.get(tool))),
                    ms(warmStart) + ratio(warmStart, devproxyWarm, tool),
                    ms(median(map(warm.get(tool), Sample::startAndStub))),
                    ms(median(map(warm.get(tool), Sample::stop))));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "×N: N times DevProxy's median. Fresh: %d JVMs per tool, taking turns; "
                + "warm: %d samples after %d discarded, one JVM per tool.%n", FRESH_RUNS, WARM_RUNS, WARM_UPS);
        System.out.println("Every sample, start → first answer, ms:");
        for (Tool tool : Tool.values()) {
            System.out.printf(Locale.ROOT, "  %-19s fresh %s%n", tool.label,
                    list(map(fresh.get(tool), Sample::startToAnswer)));
            System.out.printf(Locale.ROOT, "  %-19s warm  %s%n", tool.label,
                    list(map(warm.get(tool), Sample::startToAnswer)));
        }
    }

    private static List<Long> map(List<Sample> samples, ToLongFunction<Sample> field) {
        return samples.stream().map(sample -> field.applyAsLong(sample)).toList();
    }

    static double median(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    private static String ms(double nanos) {
        return nanos >= 10_000_000 ? String.format(Locale.ROOT, "%.0f", nanos / 1e6)
                : String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private static String ratio(double value, double devproxy, Tool tool) {
        return tool == Tool.DEVPROXY ? "" : String.format(Locale.ROOT, " (×%.1f)", value / devproxy);
    }

    private static String list(List<Long> nanos) {
        StringBuilder out = new StringBuilder();
        for (long value : nanos) {
            out.append(out.length() == 0 ? "" : " ").append(ms(value));
        }
        return out.toString();
    }
}
