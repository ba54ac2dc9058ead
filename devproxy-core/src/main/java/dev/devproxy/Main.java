package dev.devproxy;

import dev.devproxy.internal.config.Setting;
import dev.devproxy.internal.config.SettingsReader;
import dev.devproxy.internal.server.Server;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone proxy: {@code java -jar devproxy-core-<version>.jar [--flag value]...}. Settings come from
 * the environment ({@link Config#fromEnv()}), then from flags, which win. Stops cleanly on Ctrl-C.
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
            config = parse(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("devproxy: " + e.getMessage());
            System.err.println("Run with --help to list the flags and environment variables.");
            System.exit(2);
            return;
        }
        if (config == null) {
            return; // --help was printed
        }
        // No journal: nothing reads it in a standalone proxy, and it would keep up to 64 MiB of bodies.
        DevProxy proxy = DevProxy.builder().config(config).journalCapacity(0).build().start();
        // Printed here, not logged by the engine: a logger lookup would initialise java.util.logging on every
        // start of every embedded proxy (see Server.logsLifecycle), and whoever runs the jar wants this line.
        System.out.println(Server.listeningLine(proxy.address(), config));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close();
            System.out.println("DevProxy on port " + proxy.port() + " stopped");
            stopped.countDown();
        }, "devproxy-shutdown"));
        stopped.await();
    }

    /**
     * The configuration from the environment and {@code args}, or null after printing help to {@code out}.
     *
     * @throws IllegalArgumentException naming the flag or variable and the value when one is wrong
     */
    static @org.jspecify.annotations.Nullable Config parse(String[] args, PrintStream out) {
        SettingsReader settings = Setting.fromEnvironment(System.getenv());
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                printHelp(out);
                return null;
            }
            String name = arg;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            Setting setting = Setting.forFlag(name);
            if (setting == null) {
                throw new IllegalArgumentException("unknown flag " + name);
            }
            settings.set(setting, value, name);
        }
        return settings.build();
    }

    static void printHelp(PrintStream out) {
        out.println("Usage: java -jar devproxy-core.jar [--flag value | --flag=value]...");
        out.println();
        out.println("DevProxy: echo on every path, /proxy/* forwarded to the upstream, /metrics in Prometheus text.");
        out.println("Each flag has an environment variable; a flag wins over its variable. Times are in seconds.");
        out.println();
        out.printf("%-28s %-26s %-22s %s%n", "flag", "environment variable", "default", "meaning");
        for (Setting setting : Setting.values()) {
            out.printf("%-28s %-26s %-22s %s%n", setting.flag(), setting.environmentVariable(),
                    setting.defaultValue(), setting.description());
        }
    }
}
