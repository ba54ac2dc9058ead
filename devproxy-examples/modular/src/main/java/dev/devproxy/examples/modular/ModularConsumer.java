package dev.devproxy.examples.modular;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.json;

import dev.devproxy.DevProxy;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Starts a proxy with a stub, calls it, and checks the answer, all on the module path: exits with status 1,
 * failing the build that runs it, if anything differs.
 */
public final class ModularConsumer {
    private ModularConsumer() {
    }

    /**
     * Runs the check.
     *
     * @param args ignored
     * @throws IOException when the request fails
     * @throws InterruptedException when interrupted while waiting for the answer
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        try (DevProxy proxy = DevProxy.builder().port(0).ioThreads(1).build().start()) {
            proxy.stubFor(get("/api/users").willReturn(json(200, "[]")));
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(proxy.baseUri().resolve("/api/users")).build(),
                    HttpResponse.BodyHandlers.ofString());
            boolean ok = response.statusCode() == 200 && response.body().equals("[]")
                    && ModularConsumer.class.getModule().isNamed()
                    && DevProxy.class.getModule().getName().equals("dev.devproxy.core")
                    && ModuleLayer.boot().findModule("org.junit.jupiter.api").isEmpty()
                    && ModuleLayer.boot().findModule("org.jspecify").isEmpty();
            System.out.println("modular consumer: " + response.statusCode() + " " + response.body() + " from module "
                    + DevProxy.class.getModule().getName() + (ok ? ", as expected" : ", NOT as expected"));
            if (!ok) {
                System.exit(1);
            }
        }
    }
}
