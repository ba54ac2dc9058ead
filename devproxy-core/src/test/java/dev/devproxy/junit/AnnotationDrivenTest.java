package dev.devproxy.junit;

import static dev.devproxy.junit.PerClassExtensionTest.send;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
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
        assertTrue(send(proxy, "/unstubbed").contains("\"target\":\"/unstubbed\""), "echoed");
    }
}
