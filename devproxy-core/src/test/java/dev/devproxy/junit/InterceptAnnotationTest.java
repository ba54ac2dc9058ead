package dev.devproxy.junit;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.devproxy.DevProxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code @DevProxyTest(intercept = ...)}: the proxy is the client's forward proxy and answers its HTTPS requests to
 * the named host from stubs, though nothing listens there.
 */
@DevProxyTest(intercept = "api.example.test")
@Timeout(20)
class InterceptAnnotationTest {
    @Test
    void anHttpsRequestToAnInterceptedHostIsAnsweredByAStub(DevProxy proxy) throws Exception {
        proxy.stubFor(get("/v1/users").willReturn(json(200, "[]")));
        HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address()))
                .sslContext(proxy.interceptionTrust().sslContext()).build();

        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("https://api.example.test/v1/users")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("[]", response.body());
        assertEquals("https://api.example.test:443/v1/users", proxy.journal().all().get(1).target());
    }
}
