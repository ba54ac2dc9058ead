package dev.devproxy.junit;

import static dev.devproxy.junit.PerClassExtensionTest.send;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.devproxy.DevProxy;
import dev.devproxy.Router;
import dev.devproxy.Upstream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An extension configured by a supplier, asked when the proxy starts: an upstream started in
 * {@code @BeforeAll}, after the field was initialised, is passed to it, and {@code /proxy/*} goes there while
 * other unmatched requests get the extension's 404.
 */
class LateConfigurationTest {
    private static HttpServer upstream;

    @RegisterExtension
    static final DevProxyExtension devProxy = new DevProxyExtension(() -> {
        Upstream started = Upstream.of("127.0.0.1", upstream.getAddress().getPort());
        return DevProxy.builder().ioThreads(1).upstream(started);
    });

    @BeforeAll
    static void startUpstream() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] body = ("upstream " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop(0);
    }

    @Test
    void theSupplierSeesTheUpstreamStartedInBeforeAll(DevProxy proxy) throws Exception {
        assertEquals(upstream.getAddress().getPort(), proxy.config().upstream().port());
        assertEquals("upstream /api/users", send(proxy, "/proxy/api/users"));
    }

    @Test
    void requestsTheStandardRoutingWouldEchoGetTheNearMissReportInstead(DevProxy proxy) throws Exception {
        proxy.stubFor(get("/stubbed").willReturn(text(200, "stub")));

        assertEquals("stub", send(proxy, "/stubbed"));
        assertTrue(send(proxy, "/unstubbed").startsWith("No stub matched GET /unstubbed."), "not echoed");
        assertTrue(send(proxy, "/metrics").contains("devproxy_requests_total"), "metrics still served");
    }

    /** A router set on the builder answers the requests no stub matches, instead of the extension's 404. */
    @Nested
    class WithARouter {
        @RegisterExtension
        final DevProxyExtension withRouter = new DevProxyExtension(() -> DevProxy.builder().ioThreads(1)
                .router(Router.standard(Upstream.of("127.0.0.1", upstream.getAddress().getPort()))));

        @Test
        void unmatchedRequestsGoToTheRouter() throws Exception {
            DevProxy proxy = withRouter.proxy();
            proxy.stubFor(get("/stubbed").willReturn(text(200, "stub")));

            assertEquals("stub", send(proxy, "/stubbed"));
            assertTrue(send(proxy, "/unstubbed").contains("\"target\":\"/unstubbed\""), "echoed by the router");
        }
    }
}
