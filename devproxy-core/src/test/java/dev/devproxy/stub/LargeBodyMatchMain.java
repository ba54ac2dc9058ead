package dev.devproxy.stub;

import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.Responses.status;

import dev.devproxy.DevProxy;

/**
 * A proxy for {@link LargeBodyMatchTest} to run in a JVM of its own with a small heap: a stub that matches a
 * large upload by a string near its end. Prints its port, then serves until its standard input closes.
 */
public final class LargeBodyMatchMain {
    private LargeBodyMatchMain() {
    }

    public static void main(String[] args) throws Exception {
        try (DevProxy proxy = DevProxy.builder().port(0).maxBodySize(64L * 1024 * 1024).build().start()) {
            proxy.stubFor(post("/upload").withBodyContaining(args[0]).willReturn(status(201)));
            System.out.println("PORT " + proxy.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the test closes our input
            }
        }
    }
}
