package dev.devproxy;

/**
 * The standalone proxy's old entry point, kept for one release so that scripts naming it keep working.
 *
 * @deprecated run {@code java -jar devproxy-core-<version>.jar}, whose entry point is internal; build a
 *     configuration from a command line with {@link Config#fromCommandLine}.
 */
@Deprecated(since = "0.1.0", forRemoval = true)
public final class Main {
    private Main() {
    }

    /**
     * Runs the standalone proxy, as {@code java -jar} does.
     *
     * @param args flags such as {@code --port 8080}; {@code --help} lists them all
     * @throws InterruptedException when the main thread is interrupted while it waits for the proxy to stop
     */
    public static void main(String[] args) throws InterruptedException {
        dev.devproxy.internal.cli.Main.main(args);
    }
}
