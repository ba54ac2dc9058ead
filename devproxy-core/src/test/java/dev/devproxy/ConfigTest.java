package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.parser.ParserLimits;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Settings: the defaults, the environment variables, and the command line. */
class ConfigTest {
    /** Every environment variable of the issue, in the order of the help table. */
    private static final List<String> VARIABLES = List.of("DEVPROXY_HOST", "DEVPROXY_PORT", "UPSTREAM_HOST",
            "UPSTREAM_PORT", "MAX_CONNECTIONS", "MAX_REQUEST_LINE", "MAX_HEADER_SIZE", "MAX_HEADERS",
            "MAX_TOTAL_HEADERS", "MAX_BODY_SIZE", "REQUEST_TIMEOUT", "HEADER_TIMEOUT", "BODY_TIMEOUT",
            "KEEP_ALIVE_TIMEOUT", "WRITE_TIMEOUT", "UPSTREAM_CONNECT_TIMEOUT", "UPSTREAM_TIMEOUT", "SHUTDOWN_GRACE",
            "IO_THREADS", "ACCESS_LOG");

    @Test
    void defaultsAreTheDocumentedOnes() {
        Config config = Config.defaults();

        assertAll(
                () -> assertEquals("127.0.0.1", config.host()),
                () -> assertEquals(8889, config.port()),
                () -> assertEquals(Upstream.of("localhost", 3001), config.upstream()),
                () -> assertEquals(1000, config.maxConnections()),
                () -> assertEquals(new ParserLimits(4096, 8192, 100, 65_536, 10_000_000L, 4096), config.limits()),
                () -> assertEquals(Duration.ofSeconds(5), config.requestLineTimeout()),
                () -> assertEquals(Duration.ofSeconds(10), config.headerTimeout()),
                () -> assertEquals(Duration.ofSeconds(30), config.bodyTimeout()),
                () -> assertEquals(Duration.ofSeconds(30), config.keepAliveTimeout()),
                () -> assertEquals(Duration.ofSeconds(30), config.writeTimeout()),
                () -> assertEquals(Duration.ofSeconds(5), config.upstreamConnectTimeout()),
                () -> assertEquals(Duration.ofSeconds(30), config.upstreamTimeout()),
                () -> assertEquals(Duration.ofSeconds(5), config.shutdownGrace()),
                () -> assertEquals(Runtime.getRuntime().availableProcessors(), config.ioThreads()),
                () -> assertFalse(config.accessLog()));
    }

    @Test
    void emptyEnvironmentGivesTheDefaults() {
        assertEquals(Config.defaults(), Config.fromEnv(Map.of("UNRELATED", "x", "PATH", "/bin")));
    }

    @Test
    void everyEnvironmentVariableIsRead() {
        Map<String, String> environment = new HashMap<>();
        environment.put("DEVPROXY_HOST", "0.0.0.0");
        environment.put("DEVPROXY_PORT", "9000");
        environment.put("UPSTREAM_HOST", "api.internal");
        environment.put("UPSTREAM_PORT", "8080");
        environment.put("MAX_CONNECTIONS", "50");
        environment.put("MAX_REQUEST_LINE", "2048");
        environment.put("MAX_HEADER_SIZE", "4000");
        environment.put("MAX_HEADERS", "20");
        environment.put("MAX_TOTAL_HEADERS", "30000");
        environment.put("MAX_BODY_SIZE", "123456");
        environment.put("REQUEST_TIMEOUT", "1.5");
        environment.put("HEADER_TIMEOUT", "2");
        environment.put("BODY_TIMEOUT", "0.25");
        environment.put("KEEP_ALIVE_TIMEOUT", "7");
        environment.put("WRITE_TIMEOUT", "8.5");
        environment.put("UPSTREAM_CONNECT_TIMEOUT", "3");
        environment.put("UPSTREAM_TIMEOUT", "12");
        environment.put("SHUTDOWN_GRACE", "0");
        environment.put("IO_THREADS", "3");
        environment.put("ACCESS_LOG", "true");
        assertEquals(VARIABLES.size(), environment.size(), "one value per variable");

        Config config = Config.fromEnv(environment);

        assertAll(
                () -> assertEquals("0.0.0.0", config.host()),
                () -> assertEquals(9000, config.port()),
                () -> assertEquals(Upstream.of("api.internal", 8080), config.upstream()),
                () -> assertEquals(50, config.maxConnections()),
                () -> assertEquals(2048, config.limits().maxRequestLineLength()),
                () -> assertEquals(4000, config.limits().maxHeaderLineLength()),
                () -> assertEquals(20, config.limits().maxHeaderCount()),
                () -> assertEquals(30000, config.limits().maxHeaderSectionSize()),
                () -> assertEquals(123456L, config.limits().maxBodySize()),
                () -> assertEquals(Duration.ofMillis(1500), config.requestLineTimeout()),
                () -> assertEquals(Duration.ofSeconds(2), config.headerTimeout()),
                () -> assertEquals(Duration.ofMillis(250), config.bodyTimeout()),
                () -> assertEquals(Duration.ofSeconds(7), config.keepAliveTimeout()),
                () -> assertEquals(Duration.ofMillis(8500), config.writeTimeout()),
                () -> assertEquals(Duration.ofSeconds(3), config.upstreamConnectTimeout()),
                () -> assertEquals(Duration.ofSeconds(12), config.upstreamTimeout()),
                () -> assertEquals(Duration.ZERO, config.shutdownGrace()),
                () -> assertEquals(3, config.ioThreads()),
                () -> assertTrue(config.accessLog()));
    }

    @Test
    void secondsMayHaveADecimalFractionAndSurroundingSpaces() {
        Config config = Config.fromEnv(Map.of("REQUEST_TIMEOUT", " 5.0 ", "HEADER_TIMEOUT", "0.001"));

        assertEquals(Duration.ofSeconds(5), config.requestLineTimeout());
        assertEquals(Duration.ofMillis(1), config.headerTimeout());
    }

    @ParameterizedTest(name = "{0}={1} is rejected")
    @CsvSource(delimiter = '|', value = {
        "DEVPROXY_HOST|''",
        "DEVPROXY_PORT|eighty",
        "DEVPROXY_PORT|70000",
        "DEVPROXY_PORT|-1",
        "UPSTREAM_HOST|has space",
        "UPSTREAM_PORT|0",
        "MAX_CONNECTIONS|0",
        "MAX_REQUEST_LINE|4k",
        "MAX_HEADER_SIZE|-5",
        "MAX_HEADERS|0",
        "MAX_TOTAL_HEADERS|12",
        "MAX_BODY_SIZE|-1",
        "MAX_BODY_SIZE|1e6",
        "REQUEST_TIMEOUT|soon",
        "REQUEST_TIMEOUT|5s",
        "HEADER_TIMEOUT|-1",
        "BODY_TIMEOUT|0",
        "KEEP_ALIVE_TIMEOUT|1,5",
        "WRITE_TIMEOUT|0.0",
        "UPSTREAM_CONNECT_TIMEOUT|-0.5",
        "UPSTREAM_TIMEOUT|NaN",
        "SHUTDOWN_GRACE|-1",
        "IO_THREADS|0",
        "IO_THREADS|two",
        "ACCESS_LOG|maybe",
    })
    void badValueIsRejectedNamingTheVariableAndTheValue(String variable, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of(variable, value)));

        assertTrue(e.getMessage().contains(variable), e.getMessage());
        assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
    }

    @Test
    void everyVariableIsCoveredByTheBadValueCases() throws Exception {
        CsvSource cases = ConfigTest.class.getDeclaredMethod("badValueIsRejectedNamingTheVariableAndTheValue",
                String.class, String.class).getAnnotation(CsvSource.class);
        java.util.Set<String> covered = new java.util.HashSet<>();
        for (String line : cases.value()) {
            covered.add(line.substring(0, line.indexOf('|')));
        }
        assertEquals(new java.util.HashSet<>(VARIABLES), covered);
    }

    @Test
    void headerLineLimitAboveTheDefaultSectionSizeIsAcceptedWhenTheSectionGrowsToo() {
        Config config = Config.fromEnv(Map.of("MAX_HEADER_SIZE", "100000", "MAX_TOTAL_HEADERS", "200000"));

        assertEquals(100_000, config.limits().maxHeaderLineLength());
        assertEquals(200_000, config.limits().maxHeaderSectionSize());
    }

    @Test
    void sectionLimitBelowTheDefaultLineLimitIsAcceptedWhenTheLineShrinksToo() {
        Config config = Config.fromEnv(Map.of("MAX_TOTAL_HEADERS", "4000", "MAX_HEADER_SIZE", "2000"));

        assertEquals(2000, config.limits().maxHeaderLineLength());
        assertEquals(4000, config.limits().maxHeaderSectionSize());
    }

    @ParameterizedTest(name = "ADMIN_PORT={0}")
    @ValueSource(strings = {"none", "-1"})
    void theAdminApiIsOffUnlessAPortIsGiven(String value) {
        assertFalse(Config.defaults().hasAdminListener());
        assertFalse(Config.fromEnv(Map.of("ADMIN_PORT", value)).hasAdminListener());
        Config on = Config.fromEnv(Map.of("ADMIN_PORT", "0"));
        assertTrue(on.hasAdminListener());
        assertEquals("127.0.0.1", on.adminHost());
        assertEquals("", on.adminToken());
    }

    @Test
    void theAdminTokenIsMaskedAndMustBeSendable() {
        Config config = Config.fromEnv(Map.of("ADMIN_PORT", "0", "ADMIN_TOKEN", "s3cret"));
        assertEquals("s3cret", config.adminToken());
        assertFalse(config.toString().contains("s3cret"), config.toString());
        assertTrue(config.toString().contains("adminToken=****"), config.toString());
        IllegalArgumentException spaced = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("ADMIN_TOKEN", "two words")));
        assertTrue(spaced.getMessage().contains("adminToken must be visible ASCII"), spaced.getMessage());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("ADMIN_PORT", "-2")));
        assertTrue(port.getMessage().startsWith("ADMIN_PORT='-2'") || port.getMessage().contains("adminPort"),
                port.getMessage());
    }

    // ---- the command line ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--port 0", "--port=0"})
    void portFlagTakesItsValueAfterASpaceOrAnEqualsSign(String flags) {
        Config config = parse(flags.split(" "), new PrintStream(new ByteArrayOutputStream()));

        assertEquals(0, config.port());
    }

    @Test
    void flagsSetEverySetting() {
        String[] args = {
            "--host", "::1", "--port=0", "--upstream-host", "up", "--upstream-port", "81", "--max-connections", "9",
            "--max-request-line", "100", "--max-header-size", "200", "--max-headers", "3", "--max-total-headers", "999",
            "--max-body-size", "5", "--request-timeout", "0.5", "--header-timeout", "0.6", "--body-timeout", "0.7",
            "--keep-alive-timeout", "0.8", "--write-timeout", "0.9", "--upstream-connect-timeout", "1.1",
            "--upstream-timeout", "1.2", "--shutdown-grace", "1.3", "--io-threads", "1", "--access-log", "on",
            "--forward-proxy", "true", "--forward-allow", "*.test, localhost:8080", "--tunnel-idle-timeout", "7",
            "--http-proxy", "http://next:3128", "--no-proxy", "*.corp", "--tls-port", "0", "--tls-keystore", "k.p12",
            "--tls-keystore-password", "pw", "--tls-cert-file", "ca.pem", "--tls-handshake-timeout", "2",
            "--max-match-body-size", "4096",
            "--admin-port", "0", "--admin-host", "0.0.0.0", "--admin-token", "s3cret",
            "--intercept-hosts", "localhost,*.test", "--intercept-ca-keystore", "ica.p12",
            "--intercept-ca-keystore-password", "pw2", "--intercept-ca-file", "ica.pem",
            "--https-proxy", "http://next:3129",
        };

        Config config = parse(args, new PrintStream(new ByteArrayOutputStream()));

        assertEquals(new Config("::1", 0, Upstream.of("up", 81), 9, new ParserLimits(100, 200, 3, 999, 5, 4096),
                Duration.ofMillis(500), Duration.ofMillis(600), Duration.ofMillis(700), 500L, Duration.ofMillis(800),
                Duration.ofMillis(900), Duration.ofMillis(1100), Duration.ofMillis(1200), Duration.ofMillis(1300), 1, true,
                true, "*.test, localhost:8080", Duration.ofSeconds(7), "http://next:3128", "*.corp",
                0, java.nio.file.Path.of("k.p12"), "pw", java.nio.file.Path.of("ca.pem"), Duration.ofSeconds(2),
                4096L, 0, "0.0.0.0", "s3cret",
                "localhost,*.test", java.nio.file.Path.of("ica.p12"), "pw2", java.nio.file.Path.of("ica.pem"),
                "http://next:3129"),
                config);
    }

    @Test
    void interceptionNeedsForwardProxyModeAndValidPatternsAndItsPasswordIsMasked() {
        IllegalArgumentException off = assertThrows(IllegalArgumentException.class,
                () -> Config.builder().interceptHosts("localhost").build());
        assertTrue(off.getMessage().contains("interceptHosts needs forwardProxy"), off.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Config.builder().forwardProxy(true).interceptHosts("a/b").build());
        assertTrue(bad.getMessage().startsWith("interceptHosts: "), bad.getMessage());

        Config config = Config.builder().forwardProxy(true).interceptHosts("localhost")
                .interceptCaKeystorePassword("secret").build();
        assertEquals("localhost", config.interceptHosts());
        assertTrue(!config.toString().contains("secret") && config.toString().contains("interceptCaKeystorePassword=****"),
                config::toString);
        assertEquals("", Config.defaults().interceptHosts(), "nothing is intercepted by default");
    }

    @Test
    void badFlagValueIsRejectedNamingTheFlagAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(new String[] {"--max-connections", "lots"}, System.out));

        assertTrue(e.getMessage().contains("--max-connections") && e.getMessage().contains("lots"), e.getMessage());
    }

    @Test
    void unknownFlagIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(new String[] {"--prot", "0"}, System.out));

        assertTrue(e.getMessage().contains("--prot"), e.getMessage());
    }

    @Test
    void flagWithoutValueIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(new String[] {"--port"}, System.out));

        assertTrue(e.getMessage().contains("--port"), e.getMessage());
    }

    @Test
    void helpListsEveryFlagAndEveryVariableAndReturnsNoConfig() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Config config = parse(new String[] {"--port", "1", "--help"}, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertNull(config);
        String help = out.toString(StandardCharsets.UTF_8);
        for (String variable : VARIABLES) {
            String flag = "--" + variable.replaceFirst("^DEVPROXY_", "").toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            assertTrue(help.contains(variable), () -> variable + " missing from:\n" + help);
            assertTrue(help.contains(flag + " "), () -> flag + " missing from:\n" + help);
        }
    }

    @Test
    @Timeout(30)
    void flagsWinOverTheEnvironmentAndTheEnvironmentOverTheDefaults() throws Exception {
        // Main reads the real environment, so this runs in a child JVM with a chosen one.
        Result result = runProbe(Map.of("DEVPROXY_PORT", "1234", "MAX_CONNECTIONS", "7"), "--port", "0");

        assertEquals(0, result.exitCode(), result.output());
        assertEquals("port=0 maxConnections=7 upstream=http://localhost:3001", result.output().trim());
    }

    @Test
    @Timeout(30)
    void mainExitsWith2AndNamesTheVariableWhenTheEnvironmentIsBad() throws Exception {
        Result result = runMain(Map.of("MAX_CONNECTIONS", "none"));

        assertEquals(2, result.exitCode(), result.output());
        assertTrue(result.output().contains("MAX_CONNECTIONS='none'"), result.output());
    }

    /** What the standalone proxy makes of {@code args} with an empty environment. */
    private static Config parse(String[] args, PrintStream out) {
        return dev.devproxy.internal.cli.Main.parse(args, Map.of(), out);
    }

    /** Runs in the child JVM: prints what {@link dev.devproxy.internal.cli.Main#parse} made of the environment and arguments. */
    static final class Probe {
        public static void main(String[] args) {
            Config config = dev.devproxy.internal.cli.Main.parse(args, System.getenv(), System.out);
            System.out.println("port=" + config.port() + " maxConnections=" + config.maxConnections() + " upstream="
                    + config.upstream());
        }
    }

    record Result(int exitCode, String output) {
    }

    private static Result runProbe(Map<String, String> environment, String... args) throws Exception {
        return run(environment, Probe.class.getName(), args);
    }

    private static Result runMain(Map<String, String> environment, String... args) throws Exception {
        return run(environment, dev.devproxy.internal.cli.Main.class.getName(), args);
    }

    private static Result run(Map<String, String> environment, String mainClass, String... args) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", classPath, mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> VARIABLES.contains(name));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not finish: " + output);
        }
        return new Result(process.exitValue(), output);
    }
}
