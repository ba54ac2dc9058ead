package dev.devproxy.examples.echo;

import dev.devproxy.DevProxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * DevProxy embedded in echo mode: every path other than {@code /metrics} and {@code /proxy/*} is answered 200
 * with a JSON description of the request, so a developer sees exactly what a client sent.
 *
 * <pre>{@code
 * ./mvnw -q -pl devproxy-examples -am -DskipTests package
 * java -cp "devproxy-examples/target/classes:devproxy-core/target/classes:devproxy-parser/target/classes" \
 *     dev.devproxy.examples.echo.EmbeddedEcho
 * }</pre>
 */
public final class EmbeddedEcho {
    private EmbeddedEcho() {
    }

    /**
     * Starts a proxy on a free port, sends it one {@code POST}, prints the JSON it answers, and stops it.
     *
     * @param args ignored
     * @throws IOException when the request cannot be sent
     * @throws InterruptedException when interrupted while waiting for the answer
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        // port(0) picks a free port; start() returns once it accepts connections; close() stops it.
        try (DevProxy proxy = DevProxy.builder().port(0).build().start()) {
            System.out.println(echo(proxy.baseUri(), "/hello/world?x=1", "hi there"));
        }
    }

    /**
     * Sends {@code POST path} with {@code body} and an {@code X-Example} header to a proxy in echo mode, and
     * returns what it answered.
     *
     * @param baseUri the proxy's base URI, such as {@link DevProxy#baseUri()}
     * @param path an origin-form target such as {@code /hello?x=1}
     * @param body the request body, sent as UTF-8
     * @return the JSON the proxy answered
     * @throws IOException when the request fails or the answer is not 200
     * @throws InterruptedException when interrupted while waiting for the answer
     */
    public static String echo(URI baseUri, String path, String body) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(baseUri.resolve(path))
                .timeout(Duration.ofSeconds(5))
                .header("X-Example", "echo")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("expected 200 from " + request.uri() + ", got " + response.statusCode());
        }
        return response.body();
    }
}
