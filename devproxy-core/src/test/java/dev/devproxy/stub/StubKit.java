package dev.devproxy.stub;

import com.sun.net.httpserver.HttpServer;
import dev.devproxy.DevProxy;
import dev.devproxy.RecordedRequest;
import dev.devproxy.Upstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** What the stub and journal tests share: a client, a recording upstream, and requests built by hand. */
final class StubKit {
    /** One client for every test: {@code HttpClient} has no close() before Java 21. */
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private StubKit() {
    }

    /** A proxy on a free port with one event loop; everything else at its default. */
    static DevProxy.Builder proxy() {
        return DevProxy.builder().port(0).ioThreads(1);
    }

    /** Sends {@code method path} with {@code body} (none when null) and header name/value pairs. */
    static HttpResponse<String> send(DevProxy proxy, String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.baseUri().resolve(path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code GET path}. */
    static HttpResponse<String> get(DevProxy proxy, String path, String... headers) {
        return send(proxy, "GET", path, null, headers);
    }

    /** A request as the engine would record it, for matcher tests without sockets. */
    static RecordedRequest request(String method, String target, String body, String... headers) {
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? null : target.substring(question + 1);
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            fields.add(Map.entry(headers[i], headers[i + 1]));
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new RecordedRequest(method, target, path, query, "HTTP/1.1", fields, bytes, bytes.length,
                "127.0.0.1:50000", Instant.now());
    }

    /** An upstream on a free port that answers {@code 200 upstream <path>} and records what it received. */
    static final class LocalUpstream implements AutoCloseable {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final HttpServer server;

        LocalUpstream() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String target = exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
                received.add(exchange.getRequestMethod() + " " + target + (body.isEmpty() ? "" : " " + body));
                byte[] answer = ("upstream " + target).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
        }

        Upstream upstream() {
            return Upstream.of("127.0.0.1", server.getAddress().getPort());
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
