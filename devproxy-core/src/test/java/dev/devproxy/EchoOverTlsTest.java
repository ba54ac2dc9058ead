package dev.devproxy;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * Every test of {@link EchoTest} through the HTTPS listener: the same JSON, byte for byte, with the connection's
 * TLS facts as its last member, as the client's own session saw them.
 */
class EchoOverTlsTest extends EchoTest {
    @Override
    DevProxy.Builder builder() {
        return TestSupport.proxy().tlsPort(0);
    }

    @Override
    RawClient connect(DevProxy target) {
        return RawClient.connectTls(target);
    }

    @Override
    RawClient connect(DevProxy target, int receiveBufferSize) {
        return RawClient.connectTls(target, receiveBufferSize);
    }

    @Override
    String tlsMember(RawClient client) {
        SSLSession session = ((SSLSocket) client.socket()).getSession();
        // RawClient.connectTls names localhost, which the JDK's client does not send as SNI (it sends only names
        // with a dot), and offers no ALPN and no client certificate.
        return ",\"tls\":{\"protocol\":\"" + session.getProtocol() + "\",\"cipherSuite\":\"" + session.getCipherSuite()
                + "\",\"sniHost\":null,\"alpn\":null,\"clientCertificate\":null}";
    }
}
