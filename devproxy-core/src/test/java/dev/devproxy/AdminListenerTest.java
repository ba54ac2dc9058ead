package dev.devproxy;

import static dev.devproxy.AdminCalls.assertError;
import static dev.devproxy.AdminCalls.call;
import static dev.devproxy.AdminCalls.json;
import static dev.devproxy.AdminCalls.traffic;
import static dev.devproxy.TestSupport.HTTP;
import static dev.devproxy.stub.RequestPattern.anyRequest;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jspecify.annotations.Nullable;
/** The admin listener: off by default, loopback by default, its token, its isolation from the traffic, bad input. */
@Timeout(60)
class AdminListenerTest {
    private final AdminCalls calls = new AdminCalls();

    @AfterEach
    void stop() {
        calls.close();
    }

    private DevProxy start(DevProxy.Builder builder) {
        return calls.start(builder);
    }

    private DevProxy admin() {
        return calls.admin();
    }

    // ---- the listener -----------------------------------------------------------------------------------------

    @Test
    void theAdminApiIsOffByDefaultAndThePrefixIsOrdinaryTrafficOnTheProxyPort() throws Exception {
        DevProxy proxy = start(TestSupport.proxy());
        assertThrows(IllegalStateException.class, proxy::adminPort);
        HttpResponse<String> echoed = traffic(proxy, "/__admin/stubs");
        assertEquals(200, echoed.statusCode());
        assertTrue(echoed.body().contains("\"path\":\"/__admin/stubs\""), echoed.body()); // echoed, not administered
    }

    @Test
    void theAdminListenerBindsLoopbackUnlessConfigured() throws Exception {
        DevProxy local = admin();
        assertTrue(local.adminAddress().getAddress().isLoopbackAddress(), local.adminAddress().toString());
        assertEquals("127.0.0.1", local.adminAddress().getAddress().getHostAddress());
        assertEquals(URI.create("http://127.0.0.1:" + local.adminPort() + "/__admin/"), local.adminUri());

        DevProxy everywhere = start(TestSupport.proxy().adminPort(0).adminHost("0.0.0.0").adminToken("t"));
        assertTrue(everywhere.adminAddress().getAddress().isAnyLocalAddress(), everywhere.adminAddress().toString());
        // And a non-loopback address of this machine reaches it only then, when the machine has one.
        InetAddress external = nonLoopbackAddress();
        assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(external, everywhere.adminPort()), 2_000);
        }
        try (java.net.Socket socket = new java.net.Socket()) {
            assertThrows(IOException.class,
                    () -> socket.connect(new java.net.InetSocketAddress(external, local.adminPort()), 2_000),
                    "the loopback-bound admin port answered on " + external);
        }
    }

    private static @Nullable InetAddress nonLoopbackAddress() throws IOException {
        for (var network : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (!network.isUp() || network.isLoopback()) {
                continue;
            }
            for (InetAddress address : java.util.Collections.list(network.getInetAddresses())) {
                if (address instanceof java.net.Inet4Address) {
                    return address;
                }
            }
        }
        return null;
    }

    @Test
    void anAdminListenerAtItsCapShedsOnlyItsOwnConnections() throws Exception {
        DevProxy proxy = admin();
        try (RawClient traffic = RawClient.connect(proxy)) {
            traffic.send("GET /first HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals(200, traffic.readResponse().status());
            // The oldest idle connection of the loops is this one, which shedding took first before it asked
            // which listener a connection belongs to (fails without the owner check in Shedder).
            List<RawClient> admins = new ArrayList<>();
            try {
                for (int i = 0; i < 64; i++) { // the admin listener's cap: accepting pauses and shedding begins
                    admins.add(RawClient.connect(proxy.adminAddress(), 0));
                }
                admins.get(0).assertClosedByServer(java.time.Duration.ofSeconds(4)); // shed: older than a second
                traffic.send("GET /still-open HTTP/1.1\r\nHost: h\r\n\r\n");
                assertEquals(200, traffic.readResponse().status());
            } finally {
                admins.forEach(RawClient::close);
            }
        }
    }

    @Test
    void metricsAreTheProxysTrafficAndNeverTheAdminRequests() throws Exception {
        DevProxy proxy = start(TestSupport.proxy().adminPort(0).strictStubbing(true));
        proxy.stubFor(anyRequest().willReturn(text(200, "stubbed"))); // would claim every request it saw
        for (String path : List.of("/__admin/stubs", "/__admin/journal", "/__admin/metrics", "/__admin/nowhere")) {
            call(proxy, "GET", path, null);
        }
        call(proxy, "POST", "/__admin/verify", "{\"request\": {}}");
        Map<String, Object> metrics = json(call(proxy, "GET", "/__admin/metrics", null));
        assertEquals(new java.math.BigDecimal(0), metrics.get("requestsTotal"), metrics.toString());
        assertEquals(new java.math.BigDecimal(0), metrics.get("connectionsTotal"), metrics.toString());
        assertEquals(0, proxy.metrics().requestsTotal());
        assertEquals(0, proxy.stubs().list().get(0).uses(), "an admin request was stub-matched");
        assertTrue(proxy.journal().all().isEmpty(), () -> "admin requests journalled: " + proxy.journal().all());
        assertTrue(proxy.stubs().unmatchedRequests().isEmpty(), "strict stubbing counted an admin request");
        assertFalse(proxy.metricsText().contains("__admin"));

        traffic(proxy, "/real");
        TestSupport.await("the request counted", () -> proxy.metrics().requestsTotal() == 1, proxy::metrics);
        Map<String, Object> after = json(call(proxy, "GET", "/__admin/metrics", null));
        assertEquals(new java.math.BigDecimal(1), after.get("requestsTotal"), after.toString());
        assertEquals(1, proxy.journal().all().size());
    }

    // ---- security and bad input ---------------------------------------------------------------------------------

    @Test
    void theTokenIsRequiredWhenSet() throws Exception {
        DevProxy proxy = start(TestSupport.proxy().adminPort(0).adminToken("s3cret"));
        for (String[] headers : List.of(new String[0], new String[] {"Authorization", "Bearer wrong"},
                new String[] {"Authorization", "Basic czNjcmV0"}, new String[] {"Authorization", "Bearer s3cre"})) {
            HttpResponse<String> refused = call(proxy, "GET", "/__admin/stubs", null, headers);
            assertError(refused, 401, null, "a bearer token is required");
            assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        }
        // Refused before the resource is looked at: without the token, nothing says which paths exist.
        assertEquals(401, call(proxy, "GET", "/__admin/nowhere", null).statusCode());
        assertEquals(200, call(proxy, "GET", "/__admin/stubs", null, "Authorization", "Bearer s3cret").statusCode());
        assertEquals(201, call(proxy, "POST", "/__admin/stubs", "{\"response\": {\"status\": 200}}",
                "Authorization", "Bearer s3cret").statusCode());
    }

    @Test
    void unknownPathsAre404AndWrongMethods405WithAllow() throws Exception {
        DevProxy proxy = admin();
        assertError(call(proxy, "GET", "/__admin/nowhere", null), 404, null, "no admin endpoint /__admin/nowhere");
        assertError(call(proxy, "GET", "/elsewhere", null), 404, null, "no admin endpoint");
        assertError(call(proxy, "GET", "/__admin/stubs/1/more", null), 404, null, "no admin endpoint");
        HttpResponse<String> wrong = call(proxy, "PUT", "/__admin/stubs", "{}");
        assertError(wrong, 405, null, "PUT is not allowed");
        assertEquals("GET, HEAD, POST, DELETE", wrong.headers().firstValue("Allow").orElse(""));
        assertEquals("POST", call(proxy, "GET", "/__admin/reset", null).headers().firstValue("Allow").orElse(""));
        assertEquals(200, call(proxy, "GET", "/__admin/", null).statusCode());
    }

    @Test
    void malformedJsonWrongTypesAndUnknownFieldsAreEachAnsweredPrecisely() throws Exception {
        DevProxy proxy = admin();
        assertError(call(proxy, "POST", "/__admin/stubs", "{\"request\": "), 400, null, "malformed JSON");
        assertError(call(proxy, "POST", "/__admin/stubs", null), 400, null, "a JSON body is required");
        assertError(call(proxy, "POST", "/__admin/stubs", "{\"request\": {\"method\": 7}, \"response\": {\"status\": 200}}"),
                400, "request.method", "expected a string, was a number");
        assertError(call(proxy, "POST", "/__admin/stubs", "{\"request\": {\"method\": \"GET\"}, \"response\": {\"status\": 200},"
                + " \"priority\": 1}"), 400, "priority", "unknown field");
        assertError(call(proxy, "POST", "/__admin/stubs", "{\"response\": {\"status\": 200, \"boddy\": \"x\"}}"), 400,
                "response.boddy", "unknown field");
        assertError(call(proxy, "POST", "/__admin/stubs", "{\"response\": {\"status\": \"ok\"}}"), 400,
                "response.status", "expected a number, was a string");
        assertError(call(proxy, "GET", "/__admin/stubs?x=1", null), 400, "x", "unknown query parameter");
        assertTrue(proxy.stubs().list().isEmpty());
    }

    @Test
    void aBodyOverTheAdminLimitIs413() throws Exception {
        DevProxy proxy = admin();
        java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.devproxy");
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        try (RawClient client = RawClient.connect(proxy.adminAddress(), 0)) {
            client.send("POST /__admin/stubs HTTP/1.1\r\nHost: h\r\nContent-Length: " + (2 * 1024 * 1024) + "\r\n\r\n");
            RawClient.RawResponse response = client.readResponse();
            assertEquals(413, response.status(), response.toString());
            client.assertClosedByServer();
        } finally {
            log.removeHandler(handler);
        }
        // The log line does not send the operator to a setting that does not govern this listener.
        String warning = warnings.stream().filter(line -> line.contains("maxBodySize")).findFirst().orElse("(none)");
        assertTrue(warning.contains("the admin API's own limit") && !warning.contains("DevProxy.builder()"), warning);
        assertTrue(proxy.stubs().list().isEmpty());
        // Just under the limit is read: a large stub body fits.
        String big = "x".repeat(1024 * 1024 - 100);
        HttpResponse<String> added = call(proxy, "POST", "/__admin/stubs",
                "{\"response\": {\"status\": 200, \"body\": \"" + big + "\"}}");
        assertEquals(201, added.statusCode(), () -> added.body().substring(0, 200));
    }
}
