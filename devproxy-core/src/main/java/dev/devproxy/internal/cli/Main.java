package dev.devproxy.internal.cli;

import dev.devproxy.Config;
import dev.devproxy.DevProxy;
import dev.devproxy.internal.server.Server;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * The standalone proxy: {@code java -jar devproxy-core-<version>.jar [--flag value]...}. Settings come from
 * the environment, then from flags, which win ({@link Config#fromCommandLine}). Stops cleanly on Ctrl-C.
 */
public final class Main {
    private Main() {
    }

    /**
     * Starts the proxy, prints where it listens to standard output, and blocks until the JVM is asked to stop.
     * Exits with status 2 on a bad setting.
     *
     * @param args flags such as {@code --port 8080}; {@code --help} lists them all
     * @throws InterruptedException when the main thread is interrupted while it waits for the proxy to stop
     */
    public static void main(String[] args) throws InterruptedException {
        Config config;
        try {
            config = parse(args, System.getenv(), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("devproxy: " + e.getMessage());
            System.err.println("Run with --help to list the flags and environment variables.");
            System.exit(2);
            return;
        }
        if (config == null) {
            return; // --help was printed
        }
        // No journal unless the admin API is on: without it nothing reads the journal in a standalone proxy,
        // and it would keep up to 64 MiB of bodies.
        DevProxy.Builder builder = DevProxy.builder().config(config);
        if (!config.hasAdminListener()) {
            builder.journalCapacity(0);
        }
        DevProxy proxy = builder.build().start();
        // Printed here, not logged by the engine: a logger lookup would initialise java.util.logging on every
        // start of every embedded proxy (see Server.logsLifecycle), and whoever runs the jar wants this line.
        System.out.println(Server.listeningLine(proxy.address(), config));
        if (config.hasTlsListener()) {
            System.out.println(Server.tlsListeningLine(proxy.httpsAddress(), config.tlsCertFile()));
        }
        if (config.hasAdminListener()) {
            System.out.println(adminLine(proxy, config));
        }
        if (!config.interceptHosts().isBlank()) {
            System.out.println(Server.interceptionLine(config));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close();
            System.out.println("DevProxy on port " + proxy.port() + " stopped");
            stopped.countDown();
        }, "devproxy-shutdown"));
        stopped.await();
    }

    /**
     * What the standalone proxy prints for its admin API: {@code DevProxy admin API on
     * http://127.0.0.1:8890/__admin/ (no token, loopback only)}, saying whether a token is asked for.
     */
    static String adminLine(DevProxy proxy, Config config) {
        String access = !config.adminToken().isEmpty() ? "bearer token required"
                : proxy.adminAddress().getAddress().isLoopbackAddress() ? "no token, loopback only"
                : "no token: anyone who can reach this address can change the stubs; set ADMIN_TOKEN";
        return "DevProxy admin API on " + proxy.adminUri() + " (" + access + ")";
    }

    /**
     * The configuration from {@code environment} and {@code args}, or null after printing the usage to
     * {@code out} when {@code --help} or {@code -h} is among the arguments.
     *
     * @throws IllegalArgumentException naming the flag or variable and the value when one is wrong
     */
    public static @Nullable Config parse(String[] args, Map<String, String> environment, PrintStream out) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.print(Config.usage());
            return null;
        }
        return Config.fromCommandLine(args, environment);
    }
}
