package dev.devproxy;

import static dev.devproxy.stub.RequestPattern.post;
import static dev.devproxy.stub.Responses.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.parser.ParserLimits;
import dev.devproxy.stub.JournalEntry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests the proxy refuses itself are journalled with the reason, and show in verification reports: before
 * they left no trace but a metric (issue 14, item 5).
 */
@Timeout(30)
class JournalRefusalsTest {

    private static JournalEntry onlyEntry(DevProxy proxy) {
        List<JournalEntry> all = proxy.journal().all();
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    @Test
    void aBodyOverMaxBodySizeIsJournalledAs413NamingTheSettingAndItsValue() {
        try (DevProxy proxy = TestSupport.proxy().maxBodySize(1000).build().start()) {
            proxy.stubFor(post("/upload").willReturn(status(201)));
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n");
                assertEquals(413, client.readResponse().status());
            }

            JournalEntry entry = onlyEntry(proxy);
            assertEquals("POST", entry.method());
            assertEquals("/upload", entry.target());
            assertEquals(413, entry.status());
            assertEquals(RouteKind.REJECT, entry.route());
            assertFalse(entry.inFlight());
            assertEquals("request body larger than maxBodySize (1000 bytes; raise it with"
                    + " DevProxy.builder().maxBodySize(bytes))", entry.rejection());
            AssertionError report = assertThrows(AssertionError.class, () -> proxy.verify(post("/other")));
            assertTrue(report.getMessage().contains("1. POST /upload -> 413 (refused: request body larger than"
                    + " maxBodySize (1000 bytes;"), report.getMessage());
        }
    }

    @Test
    void aChunkedBodyThatGrowsOverTheLimitIsJournalledWithWhatArrived() {
        try (DevProxy proxy = TestSupport.proxy().maxBodySize(10).build().start()) {
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("POST /chunks HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n");
                assertEquals(413, client.readResponse().status());
            }

            JournalEntry entry = onlyEntry(proxy);
            assertEquals("/chunks", entry.target());
            assertEquals(413, entry.status());
            assertTrue(entry.rejection().startsWith("request body larger than maxBodySize (10 bytes"),
                    entry.rejection());
        }
    }

    @Test
    void aMalformedHeadIsJournalledAs400WithTheParseError() {
        try (DevProxy proxy = TestSupport.proxy().build().start()) {
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("GET /bad HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n");
                assertEquals(400, client.readResponse().status());
            }

            JournalEntry entry = onlyEntry(proxy);
            assertEquals("GET /bad", entry.method() + " " + entry.target());
            assertEquals(400, entry.status());
            assertTrue(entry.rejection().startsWith("bad request ("), entry.rejection());
            assertTrue(entry.toString().startsWith("GET /bad -> 400 (refused: bad request ("), entry.toString());
        }
    }

    @Test
    void tooManyHeaderFieldsAreJournalledAs431NamingTheLimit() {
        try (DevProxy proxy = TestSupport.proxy().limits(ParserLimits.defaults().withMaxHeaderCount(3)).build()
                .start()) {
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("GET /many HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n");
                assertEquals(431, client.readResponse().status());
            }

            JournalEntry entry = onlyEntry(proxy);
            assertEquals(431, entry.status());
            assertEquals("/many", entry.target());
            assertEquals("more header fields than maxHeaderCount (3; raise it with ParserLimits.withMaxHeaderCount)",
                    entry.rejection());
        }
    }

    @Test
    void aGarbledRequestLineIsJournalledWithoutAMethodOrTarget() {
        try (DevProxy proxy = TestSupport.proxy().build().start()) {
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("\u0001\u0002 nonsense\r\n\r\n");
                assertEquals(400, client.readResponse().status());
            }

            JournalEntry entry = onlyEntry(proxy);
            assertEquals(400, entry.status());
            assertEquals("-", entry.method());
            assertTrue(entry.rejection().startsWith("bad request ("), entry.rejection());
        }
    }

    @Test
    void aHeadThatNeverEndsIsJournalledAs408() {
        try (DevProxy proxy = TestSupport.proxy().headerTimeout(Duration.ofMillis(200)).build().start()) {
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("GET /stalled HTTP/1.1\r\nHost: h\r\n");
                assertEquals(408, client.readResponse().status());
            }

            JournalEntry entry = onlyEntry(proxy);
            assertEquals(408, entry.status());
            assertEquals("/stalled", entry.target());
            assertTrue(entry.rejection() != null && !entry.rejection().isEmpty());
        }
    }

    @Test
    void aRouterThatDeclinesIsNotARefusalByTheProxy() {
        try (DevProxy proxy = TestSupport.proxy().router(request -> Route.reject(403)).build().start()) {
            try (RawClient client = RawClient.connect(proxy)) {
                client.send("GET /secret HTTP/1.1\r\nHost: h\r\n\r\n");
                assertEquals(403, client.readResponse().status());
            }

            JournalEntry entry = onlyEntry(proxy);
            assertEquals(403, entry.status());
            assertEquals(null, entry.rejection());
        }
    }
}
