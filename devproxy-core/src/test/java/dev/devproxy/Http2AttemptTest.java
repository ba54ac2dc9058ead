package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 attempts degrade to HTTP/1.1. The JDK's HttpClient, asked for HTTP_2 over plain http, sends
 * {@code Upgrade: h2c} and {@code HTTP2-Settings} (RFC 7540 section 3.2); DevProxy drops both and answers in
 * HTTP/1.1, for requests without a body, with a Content-Length body and with a chunked one. A connection that
 * opens with the HTTP/2 preface (RFC 9113 section 3.4) gets a plain-text error and a close.
 */
@Timeout(30)
class Http2AttemptTest {
    private final BlockingQueue<Map<String, List<String>>> upstreamHeads = new LinkedBlockingQueue<>();
    private HttpServer upstream;
    private DevProxy proxy;

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        upstream.createContext("/", exchange -> {
            upstreamHeads.add(Map.copyOf(exchange.getRequestHeaders()));
            byte[] body = exchange.getRequestBody().readAllBytes();
            byte[] answer = ("got " + body.length + " bytes: " + new String(body, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        upstream.start();
        proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", upstream.getAddress().getPort()))
                .build().start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.stop(0);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        return client.send(request.uri(URI.create("http://127.0.0.1:" + proxy.port() + "/proxy/h2")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void assertAnsweredInHttp11(HttpResponse<String> response, String body) throws InterruptedException {
        assertEquals(200, response.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, response.version());
        assertEquals(body, response.body());
        Map<String, List<String>> head = upstreamHeads.poll(5, TimeUnit.SECONDS);
        assertNull(head.get("Upgrade"), () -> "forwarded: " + head);
        assertNull(head.get("Http2-settings"), () -> "forwarded: " + head);
    }

    @Test
    void aGetAskingForH2cIsAnsweredInHttp11() throws Exception {
        assertAnsweredInHttp11(send(HttpRequest.newBuilder().GET()), "got 0 bytes: ");
    }

    @Test
    void aPostWithAContentLengthBodyAskingForH2cIsAnsweredInHttp11() throws Exception {
        assertAnsweredInHttp11(send(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("hello h2"))),
                "got 8 bytes: hello h2");
    }

    @Test
    void aPostWithAChunkedBodyAskingForH2cIsAnsweredInHttp11() throws Exception {
        byte[] body = "chunked body".getBytes(StandardCharsets.UTF_8);
        // An InputStream publisher has no length: the client sends the body chunked.
        assertAnsweredInHttp11(send(HttpRequest.newBuilder()
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))),
                "got 12 bytes: chunked body");
    }

    @Test
    void theHttp2PrefaceGetsAPlainTextErrorAndAClose() throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(10_000);
            // RFC 9113 section 3.4: the client connection preface, then (here) an empty SETTINGS frame.
            client.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n"), answer);
            assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
            assertTrue(answer.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"), answer);
        }
    }
}
