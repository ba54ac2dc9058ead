package dev.devproxy.examples.echo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class EmbeddedEchoTest {

    @Test
    void echoDescribesTheRequestAsJson() throws Exception {
        try (DevProxy proxy = DevProxy.builder().port(0).build().start()) {
            String json = EmbeddedEcho.echo(proxy.baseUri(), "/hello/world?x=1", "hi there");

            assertTrue(json.contains("\"method\":\"POST\""), json);
            assertTrue(json.contains("\"target\":\"/hello/world?x=1\""), json);
            assertTrue(json.contains("\"path\":\"/hello/world\""), json);
            assertTrue(json.contains("\"query\":\"x=1\""), json);
            assertTrue(json.toLowerCase(Locale.ROOT).contains("[\"x-example\",\"echo\"]"), json);
            assertTrue(json.contains("\"bodyLength\":8"), json);
            assertTrue(json.contains("\"body\":\"hi there\""), json);
        }
    }

    @Test
    void mainPrintsTheEchoAndStops() throws Exception {
        String printed = runMain();

        assertTrue(printed.startsWith("{\"method\":\"POST\""), printed);
        assertTrue(printed.contains("\"body\":\"hi there\""), printed);
    }

    private static String runMain() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            EmbeddedEcho.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
