package dev.devproxy.junit;

import static dev.devproxy.junit.PerClassExtensionTest.send;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An instance extension field: each test gets its own proxy, started before it and closed after it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerTestExtensionTest {
    private static DevProxy previous;

    @RegisterExtension
    final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1));

    @BeforeEach
    void theProxyIsRunningBeforeBeforeEachMethods(DevProxy proxy) throws Exception {
        assertSame(devProxy.proxy(), proxy);
        proxy.stubFor(get("/ready").willReturn(text(200, "ready")));
        assertEquals("ready", send(proxy, "/ready"));
    }

    @Test
    @Order(1)
    void aTestHasItsOwnProxy(DevProxy proxy) {
        previous = proxy;
        assertTrue(proxy.port() > 0);
    }

    @Test
    @Order(2)
    void theNextTestHasAnotherAndThePreviousOneIsClosed(DevProxy proxy) {
        assertNotSame(previous, proxy);
        HttpRequest request = HttpRequest.newBuilder(previous.baseUri().resolve("/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        Exception e = assertThrows(Exception.class,
                () -> PerClassExtensionTest.HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        assertTrue(e instanceof ConnectException || e.getCause() instanceof ConnectException, String.valueOf(e));
        assertEquals(1, proxy.journal().all().size(), "only this test's @BeforeEach request");
    }

    @AfterEach
    void theProxyIsStillRunningInAfterEachMethods(DevProxy proxy) throws Exception {
        assertEquals("ready", send(proxy, "/ready"));
    }

    @Nested
    class NestedTestsGetTheirOwnProxyToo {
        @Test
        void hasAFreshProxy(DevProxy proxy) {
            assertNotSame(previous, proxy);
            assertEquals(1, proxy.journal().all().size());
        }
    }
}
