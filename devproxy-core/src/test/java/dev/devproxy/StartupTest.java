package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a fresh JVM pays to start a proxy and get its first answer: no logging backend and no {@code java.time}
 * formatting (each tens of milliseconds), and the standalone jar still says where it listens. Each test runs a
 * child JVM, since this one has long since loaded both.
 */
@Timeout(60)
class StartupTest {
    private static final String END = "(end of output)";
    private static final Pattern LISTENING =
            Pattern.compile("^DevProxy listening on http://127\\.0\\.0\\.1:(\\d+) \\(\\d+ event loops, at most 1000 connections\\)$");

    @Test
    void mainPrintsWhereItListensAndThatItStoppedAndLogsNothing() throws Exception {
        Process child = java(List.of(), dev.devproxy.internal.cli.Main.class.getName(), "--port", "0");
        try {
            // Read on another thread, as it comes: the child's output ends only when it does.
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> drain(child.getInputStream(), lines), "child-stdout");
            reader.setDaemon(true);
            reader.start();
            String line = lines.poll(30, TimeUnit.SECONDS);
            Matcher matcher = LISTENING.matcher(String.valueOf(line));
            assertTrue(matcher.matches(), line);

            assertTrue(answer(Integer.parseInt(matcher.group(1))).startsWith("HTTP/1.1 200 OK\r\n"));

            // SIGTERM, so that the shutdown hook closes the proxy. Through the handle: Process.destroy() would also
            // close the streams this test still reads.
            child.toHandle().destroy();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not stop");
            assertEquals("DevProxy on port " + matcher.group(1) + " stopped", lines.poll(30, TimeUnit.SECONDS));
            assertEquals(END, lines.poll(30, TimeUnit.SECONDS));
            assertEquals("", new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void startingAndAnsweringInitialisesNeitherLoggingNorJavaTimeFormatting(@TempDir Path temp) throws Exception {
        Path classes = temp.resolve("classes.log");
        Process child = java(List.of("-Xlog:class+load=info:file=" + classes), Child.class.getName());
        try {
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not finish");
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    + new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, child.exitValue(), output);
            assertTrue(output.startsWith("HTTP/1.1 200 OK\r\n"), output);
        } finally {
            child.destroyForcibly();
        }

        List<String> loaded = Files.readAllLines(classes);
        assertTrue(loaded.stream().anyMatch(line -> line.contains(" dev.devproxy.internal.exchange.HttpDate ")),
                "the class-load log does not show the proxy at work");
        for (String unwanted : new String[] {"java.util.logging.LogManager", "java.lang.System$LoggerFinder",
            "java.time.format.DateTimeFormatter"}) {
            assertFalse(loaded.stream().anyMatch(line -> line.contains(" " + unwanted + " ")), unwanted + " was loaded");
        }
    }

    /** Runs in the child JVM: starts a proxy, asks it once over a plain socket, prints the answer, stops it. */
    static final class Child {
        public static void main(String[] args) throws IOException {
            try (DevProxy proxy = DevProxy.builder().port(0).build().start()) {
                System.out.print(answer(proxy.port()));
            }
        }
    }

    /** One GET on a new connection; the whole response, read until the proxy closes after it. */
    static String answer(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /hello HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Process java(List<String> options, String mainClass, String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(options);
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        return process;
    }

    /** Puts each line of {@code in} into {@code lines}, then {@link #END}. */
    private static void drain(InputStream in, BlockingQueue<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(read failed: " + e + ")");
        }
        lines.add(END);
    }
}
