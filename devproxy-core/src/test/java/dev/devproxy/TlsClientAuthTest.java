package dev.devproxy;

import static dev.devproxy.TestSupport.proxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.internal.tls.CertificateMaker;
import dev.devproxy.internal.tls.TlsIdentity;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Mutual TLS both ways: the listener asking for client certificates, and a client certificate for an upstream. */
@Timeout(30)
class TlsClientAuthTest {
    private static final TlsIdentity CLIENT_CA = CertificateMaker.certificateAuthority("Client CA", Duration.ofDays(1));
    private static final TlsIdentity CLIENT = CertificateMaker.leaf(CLIENT_CA, List.of("test-client"), Duration.ofDays(1));

    /** A client context presenting {@link #CLIENT} and trusting {@code proxy}'s listener. */
    private static SSLContext presentingClientCertificate(DevProxy proxy) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("proxy", java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(proxy.tlsTrust().certificatePem().getBytes())));
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(CLIENT.keyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static HttpResponse<String> get(SSLContext context, java.net.URI uri) throws Exception {
        return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRequiredClientCertificateIsCheckedAndShownOnTheRecordedRequestAndInEcho() throws Exception {
        try (DevProxy proxy = proxy().tlsPort(0).tlsClientAuth(TlsClientAuth.REQUIRE, List.of(CLIENT_CA.root()))
                .build().start()) {
            HttpResponse<String> response = get(presentingClientCertificate(proxy), proxy.httpsBaseUri().resolve("/me"));

            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("\"clientCertificate\":\"CN=test-client,O=DevProxy\""), response.body());
            RecordedRequest recorded = proxy.journal().all().get(0).request();
            assertEquals("CN=test-client,O=DevProxy", recorded.clientCertificates().get(0).getSubjectX500Principal().getName());

            assertThrows(IOException.class, () -> get(proxy.tlsTrust().sslContext(), proxy.httpsBaseUri()),
                    "no certificate: the handshake fails");
        }
    }

    @Test
    void aRequestedClientCertificateIsOptional() throws Exception {
        try (DevProxy proxy = proxy().tlsPort(0).tlsClientAuth(TlsClientAuth.REQUEST, List.of(CLIENT_CA.root()))
                .build().start()) {
            HttpResponse<String> without = get(proxy.tlsTrust().sslContext(), proxy.httpsBaseUri());
            assertEquals(200, without.statusCode());
            assertTrue(without.body().contains("\"clientCertificate\":null"), without.body());
            assertEquals(List.of(), proxy.journal().all().get(0).request().clientCertificates());

            HttpResponse<String> with = get(presentingClientCertificate(proxy), proxy.httpsBaseUri());
            assertTrue(with.body().contains("\"clientCertificate\":\"CN=test-client,O=DevProxy\""), with.body());
        }
    }

    @Test
    void anUpstreamThatRequiresAClientCertificateGetsTheOneInTheUpstreamContext() throws Exception {
        try (DevProxy upstream = proxy().tlsPort(0).tlsClientAuth(TlsClientAuth.REQUIRE, List.of(CLIENT_CA.root()))
                .build().start();
                DevProxy forwarding = proxy().upstream(Upstream.parse("https://localhost:" + upstream.httpsPort()))
                        .upstreamSslContext(presentingClientCertificate(upstream)).build().start()) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(forwarding.baseUri().resolve("/proxy/mtls")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("\"clientCertificate\":\"CN=test-client,O=DevProxy\""), response.body());
            assertTrue(response.body().contains("\"sniHost\":\"localhost\""), "SNI is the upstream's host: " + response.body());
        }
    }

    @Test
    void askingForClientCertificatesNeedsIssuers() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> DevProxy.builder().tlsClientAuth(TlsClientAuth.REQUIRE, List.of()));
        assertTrue(none.getMessage().contains("issuers"), none.getMessage());
    }
}
