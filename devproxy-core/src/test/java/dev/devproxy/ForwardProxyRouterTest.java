package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.devproxy.internal.exchange.ForwardAllowList;
import dev.devproxy.parser.ParseStatus;
import dev.devproxy.parser.RequestParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Forward-proxy routing of absolute-form requests, on heads parsed from text. */
class ForwardProxyRouterTest {
    private final ForwardProxyRouter router = new ForwardProxyRouter(ForwardAllowList.parse("*"), () -> 8889);

    private Route route(String target) {
        RequestParser parser = new RequestParser();
        ByteBuffer request = ByteBuffer.wrap(("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals(ParseStatus.HEAD, parser.parse(request));
        return router.route(parser.head());
    }

    @Test
    void anHttpUriGoesOverPlainHttpWhateverItsPortEven443() {
        assertEquals(Route.forward(Upstream.of("example.test", 443, false), "/a?b"), route("http://example.test:443/a?b"));
        assertEquals(Route.forward(Upstream.of("example.test", 80, false), "/"), route("http://example.test"));
    }
}
