package dev.devproxy;

/**
 * Every test of {@link ErrorResponsesTest}, through the HTTPS listener with a client speaking TLS: what plain clients get,
 * TLS clients get.
 */
class ErrorResponsesOverTlsTest extends ErrorResponsesTest {
    @Override
    DevProxy.Builder proxy() {
        return TestSupport.proxy().tlsPort(0);
    }

    @Override
    RawClient connect(DevProxy proxy) {
        return RawClient.connectTls(proxy);
    }
}
