package dev.devproxy;

import static dev.devproxy.TestSupport.proxy;
import static dev.devproxy.stub.RequestPattern.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.stub.Responses;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a test author writes first: routes from the stub builders, faults that print as written, body limits. */
@Timeout(20)
class TestAuthorApiTest {

    @Test
    void aRouteAnswersWithAStubBuilderAsItIs() throws Exception {
        Router router = request -> Route.respond(Responses.text(201, "made"));
        try (DevProxy proxy = proxy().router(router).build().start()) {
            HttpResponse<String> response = TestSupport.HTTP.send(HttpRequest.newBuilder(proxy.baseUri()).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(201, response.statusCode());
            assertEquals("made", response.body());
        }
    }

    @Test
    void faultsPrintAsTheyAreWritten() {
        assertEquals("Fault.resetConnection()", Fault.resetConnection().toString());
        assertEquals("Fault.closeWithoutResponse()", Fault.closeWithoutResponse().toString());
        assertEquals("Fault.malformedResponse()", Fault.malformedResponse().toString());
        assertEquals("Fault.dribbleBody(100)", Fault.dribbleBody(100).toString());
    }

    @Test
    void maxBodySizeLimitsBodiesAndTheWarningNamesTheSettingAndItsValue() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("dev.devproxy");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try (DevProxy proxy = proxy().maxBodySize(10).build().start()) {
            proxy.stubFor(post("/upload").willReturn(Responses.status(204)));

            assertEquals(10, proxy.config().limits().maxBodySize());
            assertEquals(204, upload(proxy, "0123456789"));
            assertEquals(413, upload(proxy, "0123456789A"));

            TestSupport.await("the 413 warning", () -> warnings.stream().anyMatch(w -> w.contains("413")),
                    warnings::toString);
            String warning = warnings.stream().filter(w -> w.contains("413")).findFirst().orElseThrow();
            assertTrue(warning.contains("request body larger than maxBodySize (10 bytes; raise it with"
                    + " DevProxy.builder().maxBodySize(bytes))"), warning);
        } finally {
            logger.removeHandler(handler);
        }
    }

    private static int upload(DevProxy proxy, String body) throws Exception {
        return TestSupport.HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve("/upload"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }
}
