package dev.devproxy.stub;

import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.Responses.status;

import dev.devproxy.DevProxy;
import dev.devproxy.Upstream;

/**
 * A proxy for {@link LargeBodyMatchTest} to run in a JVM of its own with a small heap, with a stub that matches
 * a large upload to {@code /upload} by a string near its end and one that needs the body of a {@code /proxy/upload}
 * whole (a JSON matcher), which falls back to forwarding it to an echo upstream in the same JVM. Arguments: the
 * string, and {@code held} (the default routing, whose echo fallback needs the body held, with
 * {@code maxMatchBodySize} raised to 64 MiB), {@code streaming} (strict stubbing: nothing needs the body held, though {@code maxMatchBodySize} is
 * raised too) or
 * {@code forward} (the default routing, {@code maxMatchBodySize} at its default). Prints its port, then serves
 * until its standard input closes.
 */
public final class LargeBodyMatchMain {
    private static final long SIXTY_FOUR_MIB = 64L * 1024 * 1024;

    private LargeBodyMatchMain() {
    }

    public static void main(String[] args) throws Exception {
        try (DevProxy upstream = DevProxy.builder().port(0).ioThreads(1).maxBodySize(Long.MAX_VALUE).build().start()) {
            DevProxy.Builder builder = DevProxy.builder().port(0).ioThreads(1)
                    .upstream(Upstream.of("127.0.0.1", upstream.port()));
            switch (args[1]) {
                case "held" -> builder.maxBodySize(SIXTY_FOUR_MIB).maxMatchBodySize(SIXTY_FOUR_MIB);
                // The limit raised too: were the body held, all 50 MB of it would be.
                case "streaming" -> builder.maxBodySize(SIXTY_FOUR_MIB).maxMatchBodySize(SIXTY_FOUR_MIB)
                        .strictStubbing(true);
                case "forward" -> builder.maxBodySize(Long.MAX_VALUE);
                default -> throw new IllegalArgumentException("held, streaming or forward, was " + args[1]);
            }
            try (DevProxy proxy = builder.build().start()) {
                proxy.stubFor(post("/upload").withBodyContaining(args[0]).willReturn(status(201)));
                proxy.stubFor(post("/proxy/upload").withJsonBody("{\"never\": true}").willReturn(status(201)));
                System.out.println("PORT " + proxy.port());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // serve until the test closes our input
                }
            }
        }
    }
}
