package dev.devproxy.junit;

import static dev.devproxy.junit.PerClassExtensionTest.send;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.stub.JournalEntry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code @DevProxyTest}: a proxy per class on a free port, handed to parameters. */
@DevProxyTest
class AnnotationDrivenTest {
    private DevProxy fromBeforeEach;

    @BeforeEach
    void stub(DevProxy proxy) {
        fromBeforeEach = proxy;
        proxy.stubFor(get("/api/users").willReturn(json(200, "[]")));
    }

    @Test
    void aParameterGetsTheRunningProxy(DevProxy proxy) throws Exception {
        assertSame(fromBeforeEach, proxy);
        assertEquals("[]", send(proxy, "/api/users"));
        proxy.verify(get("/api/users"));
    }

    @Test
    void theDefaultsAreLenientStubbingOnALoopbackFreePort(DevProxy proxy) throws Exception {
        assertFalse(proxy.strictStubbing());
        assertEquals("127.0.0.1", proxy.address().getAddress().getHostAddress());
        assertTrue(proxy.port() > 0);
    }

    @Test
    void anUnmatchedRequestGetsA404WithTheNearMissReportAndIsMarkedInTheJournal(DevProxy proxy) throws Exception {
        HttpResponse<String> response = PerClassExtensionTest.HTTP.send(
                HttpRequest.newBuilder(proxy.baseUri().resolve("/api/user")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(404, response.statusCode());
        assertTrue(response.body().startsWith("No stub matched GET /api/user.\nClosest stub:\n  1. GET /api/users"),
                response.body());
        JournalEntry entry = proxy.journal().all().get(0);
        assertTrue(entry.unmatched(), entry.toString());
    }
}
