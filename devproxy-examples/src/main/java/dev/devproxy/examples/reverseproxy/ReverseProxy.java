package dev.devproxy.examples.reverseproxy;

import com.sun.net.httpserver.HttpServer;
import dev.devproxy.DevProxy;
import dev.devproxy.Upstream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * DevProxy in front of a local server: {@code /proxy/*} is forwarded to it with the prefix stripped, so
 * {@code /proxy/api/hello} reaches the server as {@code /api/hello}; every other path is echoed.
 *
 * <p>The local server is the JDK's {@link HttpServer}, standing in for the application under development.
 */
public final class ReverseProxy {
    private ReverseProxy() {
    }

    /**
     * Starts a local server and a proxy in front of it, fetches {@code /proxy/api/hello} through the proxy,
     * prints the answer, and stops both.
     *
     * @param args ignored
     * @throws IOException when a server cannot start or the request fails
     * @throws InterruptedException when interrupted while waiting for the answer
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        HttpServer server = startLocalServer();
        try (DevProxy proxy = startProxy(server.getAddress().getPort())) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(proxy.baseUri().resolve("/proxy/api/hello?name=DevProxy"))
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println(response.statusCode() + " " + response.body());
        } finally {
            server.stop(0);
        }
    }

    /**
     * Starts a proxy on a free port of {@code 127.0.0.1} that forwards {@code /proxy/*} to
     * {@code 127.0.0.1:upstreamPort}.
     *
     * @param upstreamPort the local server's port, 1 to 65535
     * @return the started proxy; the caller closes it
     * @throws IllegalArgumentException when the port is out of range
     */
    public static DevProxy startProxy(int upstreamPort) {
        return DevProxy.builder()
                .port(0)
                .upstream(Upstream.of("127.0.0.1", upstreamPort))
                .build()
                .start();
    }

    /**
     * Starts the local server on a free port of {@code 127.0.0.1}. {@code /api/hello} answers
     * {@code hello from <path>?<query>} as text, showing what the server received; other paths answer 404.
     *
     * @return the started server; the caller stops it
     * @throws IOException when the server cannot bind
     */
    public static HttpServer startLocalServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/hello", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            byte[] body = ("hello from " + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }
}
