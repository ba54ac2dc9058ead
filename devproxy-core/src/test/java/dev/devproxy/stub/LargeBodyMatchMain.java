package dev.devproxy.stub;

import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.Responses.status;

import dev.devproxy.DevProxy;

/**
 * A proxy for {@link LargeBodyMatchTest} to run in a JVM of its own with a small heap: a stub that matches a
 * large upload by a string near its end. Arguments: the string, and {@code held} (the default routing, whose
 * echo fallback needs the body held, with {@code maxMatchBodySize} raised to 64 MiB) or {@code streaming}
 * (strict stubbing: nothing needs the body held, {@code maxMatchBodySize} at its default). Prints its port,
 * then serves until its standard input closes.
 */
public final class LargeBodyMatchMain {
    private static final long SIXTY_FOUR_MIB = 64L * 1024 * 1024;

    private LargeBodyMatchMain() {
    }

    public static void main(String[] args) throws Exception {
        DevProxy.Builder builder = DevProxy.builder().port(0).maxBodySize(SIXTY_FOUR_MIB);
        switch (args[1]) {
            case "held" -> builder.maxMatchBodySize(SIXTY_FOUR_MIB);
            case "streaming" -> builder.strictStubbing(true);
            default -> throw new IllegalArgumentException("held or streaming, was " + args[1]);
        }
        try (DevProxy proxy = builder.build().start()) {
            proxy.stubFor(post("/upload").withBodyContaining(args[0]).willReturn(status(201)));
            System.out.println("PORT " + proxy.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the test closes our input
            }
        }
    }
}
