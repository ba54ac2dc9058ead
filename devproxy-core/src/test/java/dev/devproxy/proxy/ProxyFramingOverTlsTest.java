package dev.devproxy.proxy;

import dev.devproxy.proxy.ProxyTestKit.Legs;

/**
 * Every case of {@link ProxyFramingTest} with TLS on both legs: the client on the HTTPS listener, the upstream
 * behind TLS. What a response's framing means cannot depend on the record layer it crossed.
 */
class ProxyFramingOverTlsTest extends ProxyFramingTest {
    @Override
    Legs legs() {
        return Legs.TLS;
    }
}
