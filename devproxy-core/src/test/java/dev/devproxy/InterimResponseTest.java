package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 9110 section 15.2: a proxy MUST forward 1xx responses to HTTP/1.1 clients unless it asked for them itself,
 * and MUST NOT send them to HTTP/1.0 clients. 103 Early Hints and 102 pass; 100 is this proxy's own to send.
 */
@Timeout(30)
class InterimResponseTest {
    private static final String UPSTREAM_ANSWER = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
            + "HTTP/1.1 102 Processing\r\n\r\n"
            + "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private DevProxy proxy;
    private TunnelTest.TcpUpstream upstream;

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    private String exchange(String version) throws IOException {
        upstream = TunnelTest.TcpUpstream.start(socket -> {
            TunnelTest.readHead(socket.getInputStream());
            socket.getOutputStream().write(UPSTREAM_ANSWER.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.getInputStream().read(); // until the proxy is done with the connection
        });
        proxy = DevProxy.builder().port(0).upstream(Upstream.of("127.0.0.1", upstream.port())).build().start();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write(("GET /proxy/page " + version + "\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void earlyHintsAndOtherInterimResponsesReachAnHttp11ClientBeforeTheFinalOne() throws IOException {
        String answer = exchange("HTTP/1.1");
        assertTrue(answer.startsWith("HTTP/1.1 103 Early Hints\r\n"), answer);
        assertTrue(answer.contains("\r\nLink: </style.css>; rel=preload\r\n"), answer);
        int processing = answer.indexOf("HTTP/1.1 102 Processing\r\n");
        int ok = answer.indexOf("HTTP/1.1 200 OK\r\n");
        assertTrue(processing > 0 && ok > processing, answer);
        assertFalse(answer.contains(" 100 "), "a 100 is this proxy's to send, for its own Expect handling: " + answer);
        assertTrue(answer.endsWith("\r\n\r\nok"), answer);
        assertEquals(200, proxy.journal().all().get(0).status());
    }

    @Test
    void anHttp10ClientGetsTheFinalResponseOnly() throws IOException {
        String answer = exchange("HTTP/1.0");
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.endsWith("\r\n\r\nok"), answer);
    }
}
