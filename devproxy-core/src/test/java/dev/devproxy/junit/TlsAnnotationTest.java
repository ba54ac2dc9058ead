package dev.devproxy.junit;

import static dev.devproxy.stub.Responses.json;
import static dev.devproxy.stub.RequestPattern.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code @DevProxyTest(tls = true)}: the proxy listens for HTTPS too and hands out what a client must trust. */
@DevProxyTest(tls = true)
@Timeout(20)
class TlsAnnotationTest {
    @Test
    void theProxyAnswersHttpsForAClientTrustingTheHandedOutContext(DevProxy proxy) throws Exception {
        proxy.stubFor(get("/secure").willReturn(json(200, "{\"secure\":true}")));
        HttpClient client = HttpClient.newBuilder().sslContext(proxy.tlsTrust().sslContext()).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(proxy.httpsBaseUri().resolve("/secure"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("{\"secure\":true}", response.body());
        assertEquals(1, proxy.journal().all().size(), "a request over HTTPS is journalled as any other");
        assertTrue(Files.readString(proxy.tlsTrust().certificateFile()).startsWith("-----BEGIN CERTIFICATE-----"));
    }
}
