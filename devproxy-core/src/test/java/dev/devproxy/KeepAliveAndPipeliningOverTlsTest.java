package dev.devproxy;

/**
 * Every test of {@link KeepAliveAndPipeliningTest}, through the HTTPS listener with a client speaking TLS: what plain clients get,
 * TLS clients get.
 */
class KeepAliveAndPipeliningOverTlsTest extends KeepAliveAndPipeliningTest {
    @Override
    DevProxy.Builder proxy() {
        return TestSupport.proxy().tlsPort(0);
    }

    @Override
    RawClient connect(DevProxy proxy) {
        return RawClient.connectTls(proxy);
    }
}
