package dev.devproxy;

import java.time.Duration;

/**
 * Every test of {@link TimeoutTest}, through the HTTPS listener with a client speaking TLS: what plain clients get,
 * TLS clients get.
 *
 * <p>The handshake's own timeout (3 s by default, on the same injected clock) is set far beyond the clock's moves
 * here: a TLS 1.3 client is done with its handshake before the server has read its Finished, so on a loaded
 * machine that message can reach the server after a test has moved the clock by 4 s, and the connection would
 * be closed as a slow handshake. TlsListenerTest covers that timeout.
 */
class TimeoutOverTlsTest extends TimeoutTest {
    @Override
    DevProxy.Builder proxy() {
        return TestSupport.proxy().tlsPort(0).tlsHandshakeTimeout(Duration.ofMinutes(10));
    }

    @Override
    RawClient connect(DevProxy proxy) {
        return RawClient.connectTls(proxy);
    }
}
