package dev.devproxy.junit;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.stub.JournalEntry;
import dev.devproxy.stub.RegisteredStub;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A static extension field: one proxy for the class and its {@code @Nested} classes, with what each test
 * stubbed and sent reset between tests, and what {@code @BeforeAll} stubbed kept.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class PerClassExtensionTest {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @RegisterExtension
    static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1));

    private static DevProxy first;
    private static RegisteredStub shared;

    @BeforeAll
    static void stubForEveryTest(DevProxy proxy) {
        first = proxy;
        shared = proxy.stubFor(get("/shared").willReturn(text(200, "shared")));
    }

    @BeforeEach
    void eachTestSeesTheSameProxy(DevProxy proxy) {
        assertSame(devProxy.proxy(), proxy);
        assertSame(first, proxy);
    }

    @Test
    @Order(1)
    void aTestStubsAndSends(DevProxy proxy) throws Exception {
        proxy.stubFor(get("/mine").willReturn(text(200, "first test's")));

        assertEquals("first test's", send(proxy, "/mine"));
        assertEquals("shared", send(proxy, "/shared"));
        assertEquals(1, shared.uses());
        assertEquals(2, proxy.journal().all().size());
    }

    @Test
    @Order(2)
    void theNextTestStartsWithOnlyTheBeforeAllStubsAndAnEmptyJournal(DevProxy proxy) throws Exception {
        assertEquals(List.of(shared), proxy.stubs().list());
        assertEquals(0, shared.uses(), "use counts restart with each test");
        assertTrue(proxy.journal().all().isEmpty());

        assertFalse(send(proxy, "/mine").equals("first test's"), "the first test's stub is gone");
        assertEquals(List.of("/mine"), proxy.journal().all().stream().map(JournalEntry::target).toList());
    }

    @Test
    @Order(3)
    void theFieldDelegatesToTheRunningProxy() throws Exception {
        devProxy.stubFor(get("/via-field").willReturn(text(200, "field")));

        assertEquals("field", send(devProxy.proxy(), "/via-field"));
        devProxy.verify(get("/via-field"));
        devProxy.verify(1, get("/via-field"));
        assertEquals(1, devProxy.journal().all().size());
        assertEquals(first.baseUri(), devProxy.baseUri());
    }

    @Nested
    @Order(1)
    class NestedClassesShareTheProxy {
        @BeforeAll
        static void stubForTheNestedClass(DevProxy proxy) {
            proxy.stubFor(get("/nested").willReturn(text(200, "nested")));
        }

        @Test
        void seesTheEnclosingStubsAndItsOwn(DevProxy proxy) throws Exception {
            assertSame(first, proxy);
            assertEquals("shared", send(proxy, "/shared"));
            assertEquals("nested", send(proxy, "/nested"));
        }
    }

    @Nested
    @Order(2)
    class ALaterNestedClass {
        @Test
        void noLongerSeesTheStubsOfAnEarlierNestedClass(DevProxy proxy) throws Exception {
            assertNotNull(first);
            assertSame(first, proxy);
            assertEquals(List.of(shared), proxy.stubs().list());
            assertFalse(send(proxy, "/nested").equals("nested"));
        }
    }

    static String send(DevProxy proxy, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(proxy.baseUri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
