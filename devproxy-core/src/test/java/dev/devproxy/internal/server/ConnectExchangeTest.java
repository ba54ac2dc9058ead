package dev.devproxy.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.Config;
import dev.devproxy.Route;
import dev.devproxy.internal.loop.MemoryTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CONNECT tunnels between an in-memory client and an in-memory destination. */
@Timeout(10)
class ConnectExchangeTest {
    @Test
    void aTunnelToPort443CarriesTheClientsBytesUntouchedAndSpeaksNoTlsOfItsOwn() throws Exception {
        Config config = Config.builder().forwardProxy(true).forwardAllow("*").build();
        try (Embedded engine = new Embedded(config, head -> Route.pass())) {
            MemoryTransport client = engine.connectClient();
            client.feed("CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n");
            engine.run();

            MemoryTransport destination = engine.upstream(0);
            assertEquals("", destination.takeOutput(), "no ClientHello of the proxy's own: the client's TLS goes through");
            assertTrue(client.takeOutput().startsWith("HTTP/1.1 200 "), "the tunnel is open");

            client.feed("\u0016\u0003\u0001 the client's own ClientHello");
            engine.run();
            assertEquals("\u0016\u0003\u0001 the client's own ClientHello", destination.takeOutput());
        }
    }
}
