package dev.devproxy;

import static dev.devproxy.TestSupport.HTTP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.internal.stub.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What the admin API's tests share: proxies they start and stop, raw admin calls, and the error format. */
final class AdminCalls implements AutoCloseable {
    private final List<DevProxy> proxies = new ArrayList<>();

    /** Starts {@code builder}'s proxy, to be closed with this. */
    DevProxy start(DevProxy.Builder builder) {
        DevProxy proxy = builder.build().start();
        proxies.add(proxy);
        return proxy;
    }

    /** A proxy on a free port with its admin API on another. */
    DevProxy admin() {
        return start(TestSupport.proxy().adminPort(0));
    }

    @Override
    public void close() {
        proxies.forEach(DevProxy::close);
    }

    /** One admin request with the JDK's client: {@code headers} as name, value, name, value... */
    static HttpResponse<String> call(DevProxy proxy, String method, String path, @Nullable String body,
            String... headers) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + proxy.adminPort() + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET on the proxy's own port. */
    static HttpResponse<String> traffic(DevProxy proxy, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The answer's JSON object, checking it says it is JSON. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> json(HttpResponse<String> response) {
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""), response::body);
        return (Map<String, Object>) Json.parse(response.body());
    }

    /** An error in the admin API's format: the status, the field named (or none) and the message, no stack trace. */
    static void assertError(HttpResponse<String> response, int status, @Nullable String field, String message) {
        assertEquals(status, response.statusCode(), response::body);
        Map<String, Object> error = json(response);
        assertEquals(field, error.get("field"), response.body());
        assertTrue(String.valueOf(error.get("error")).contains(message), response.body());
        assertFalse(response.body().contains("\tat "), "no stack trace: " + response.body());
    }
}
