package dev.devproxy.stub;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.Responses.json;
import static dev.devproxy.stub.Responses.ok;
import static dev.devproxy.stub.Responses.status;
import static dev.devproxy.stub.StubKit.get;
import static dev.devproxy.stub.StubKit.proxy;
import static dev.devproxy.stub.StubKit.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.Router;
import dev.devproxy.Upstream;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** With strict stubbing, a request no stub matches gets a 404 that says which stubs came closest and why. */
@Timeout(30)
class StrictStubbingTest {
    private final DevProxy proxy = proxy().strictStubbing(true).build().start();

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void anUnmatchedRequestGetsA404ListingTheClosestStubsAndWhyEachMissed() {
        RegisteredStub users = proxy.stubFor(get("/api/users").willReturn(json(200, "[]")));
        RegisteredStub create = proxy.stubFor(post("/api/users").withJsonBody("{\"name\": \"Ann\"}").willReturn(status(201)));
        RegisteredStub health = proxy.stubFor(get("/health").willReturn(ok()).times(1));
        RegisteredStub far = proxy.stubFor(post("/admin").withHeader("X-Admin", "1").willReturn(ok()));
        assertEquals(200, get(proxy, "/health").statusCode());

        HttpResponse<String> response = get(proxy, "/api/user");

        assertEquals(404, response.statusCode());
        assertEquals("true", response.headers().firstValue("X-DevProxy-Unmatched").orElseThrow());
        assertEquals("No stub matched GET /api/user.\n"
                + "Closest 3 stubs of 4:\n"
                + "  1. GET /api/users -> 200  (registered at " + users.registeredAt() + ")\n"
                + "       - path: expected \"/api/users\" but was \"/api/user\"\n"
                + "  2. POST /api/users with JSON body {\"name\":\"Ann\"} -> 201  (registered at " + create.registeredAt() + ")\n"
                + "       - method: expected POST but was GET\n"
                + "       - path: expected \"/api/users\" but was \"/api/user\"\n"
                + "  3. GET /health -> 200 (at most 1 time)  (registered at " + health.registeredAt() + ")\n"
                + "       - path: expected \"/health\" but was \"/api/user\"\n"
                + "       - used up: it already answered 1 request of the 1 it was limited to\n",
                response.body());
        assertTrue(far.uses() == 0);
        assertEquals(List.of("GET /api/user"), proxy.stubs().unmatchedRequests().stream()
                .map(unmatched -> unmatched.request().method() + " " + unmatched.request().target()).toList());
    }

    @Test
    void aStubThatMissesOnlyOnTheBodyComesFirstAndSaysWhereTheBodyDiffers() {
        proxy.stubFor(get("/api/users").willReturn(json(200, "[]")));
        RegisteredStub create = proxy.stubFor(post("/api/users").withJsonBody("{\"name\": \"Ann\"}").willReturn(status(201)));

        HttpResponse<String> response = send(proxy, "POST", "/api/users", "{\"name\": \"Bob\"}");

        assertEquals(404, response.statusCode());
        assertTrue(response.body().startsWith("No stub matched POST /api/users.\n"
                + "Closest 2 stubs:\n"
                + "  1. POST /api/users with JSON body {\"name\":\"Ann\"} -> 201  (registered at " + create.registeredAt() + ")\n"
                + "       - JSON body $.name: expected \"Ann\" but was \"Bob\"\n"
                + "  2. GET /api/users -> 200"), response.body());
        assertEquals("{\"name\": \"Bob\"}", proxy.stubs().unmatchedRequests().get(0).request().bodyAsString());
    }

    @Test
    void withNoStubsTheReportSaysSo() {
        HttpResponse<String> response = get(proxy, "/anything");

        assertEquals(404, response.statusCode());
        assertEquals("No stub matched GET /anything: no stubs are registered.\n", response.body());
    }

    @Test
    void matchedRequestsAreAnsweredAsUsual() {
        proxy.stubFor(get("/api/users").willReturn(json(200, "[]")));

        assertEquals("[]", get(proxy, "/api/users").body());
        assertTrue(proxy.stubs().unmatchedRequests().isEmpty());
    }

    @Test
    void aPathOneEditAwayRanksAheadOfStubsThatShareOnlyTheMethod() {
        proxy.stubFor(get("/health").willReturn(ok()));
        proxy.stubFor(get("/metrics/jvm").willReturn(ok()));
        proxy.stubFor(get("/status").willReturn(ok()));
        RegisteredStub users = proxy.stubFor(get("/api/users").willReturn(json(200, "[]")));

        HttpResponse<String> response = get(proxy, "/api/user");

        assertTrue(response.body().startsWith("No stub matched GET /api/user.\n"
                + "Closest 3 stubs of 4:\n"
                + "  1. GET /api/users -> 200  (registered at " + users.registeredAt() + ")\n"), response.body());
    }

    @Test
    void theRightPathWithAnotherMethodRanksAheadOfTheRightMethodWithAnUnrelatedPath() {
        proxy.stubFor(get("/health").willReturn(ok()));
        proxy.stubFor(get("/status").willReturn(ok()));
        proxy.stubFor(get("/version").willReturn(ok()));
        RegisteredStub dropped = proxy.stubFor(get("/api/v1/orders").willReturn(ok()));
        RegisteredStub create = proxy.stubFor(post("/v1/orders").withHeader("X-Key", "k").willReturn(status(201)));

        HttpResponse<String> response = get(proxy, "/v1/orders");

        assertTrue(response.body().startsWith("No stub matched GET /v1/orders.\n"
                + "Closest 3 stubs of 5:\n"
                + "  1. GET /api/v1/orders -> 200  (registered at " + dropped.registeredAt() + ")\n"
                + "       - path: expected \"/api/v1/orders\" but was \"/v1/orders\"\n"
                + "  2. POST /v1/orders with header X-Key = \"k\" -> 201  (registered at " + create.registeredAt() + ")"),
                response.body());
    }

    @Test
    void strictStubbingAndACustomRouterCannotBeCombined() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DevProxy.builder().strictStubbing(true).router(Router.standard(Upstream.of("localhost", 1))).build());
        assertTrue(e.getMessage().contains("router(...) would never be asked"), e.getMessage());
    }
}
