package dev.devproxy.stub;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stubs under concurrency: two event loops match at once while another thread changes the stubs. Use counts
 * and sequences must stay exact, and no request may fail.
 */
@Timeout(60)
class ConcurrentStubsTest {
    private static final int REQUESTS = 200;

    private final DevProxy proxy = DevProxy.builder().port(0).ioThreads(2).build().start();

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void aStubLimitedToNUsesAnswersExactlyNOfManyConcurrentRequests() {
        RegisteredStub limited = proxy.stubFor(get("/item").willReturn(text(200, "stubbed")).times(25));

        Map<String, Long> answers = fire("/item", REQUESTS).stream()
                .collect(Collectors.groupingBy(body -> body.equals("stubbed") ? "stubbed" : "echoed", Collectors.counting()));

        assertEquals(Map.of("stubbed", 25L, "echoed", (long) REQUESTS - 25), answers);
        assertEquals(25, limited.uses());
    }

    @Test
    void eachResponseOfASequenceIsUsedExactlyOnceUnderConcurrency() {
        proxy.stubFor(get("/seq").willReturn(text(200, "first")).thenReturn(text(200, "second"))
                .thenReturn(text(200, "rest")));

        Map<String, Long> answers = fire("/seq", REQUESTS).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

        assertEquals(Map.of("first", 1L, "second", 1L, "rest", (long) REQUESTS - 2), answers);
    }

    @Test
    void stubsAddedAndRemovedWhileRequestsFlowNeverBreakARequest() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger changes = new AtomicInteger();
        Thread changer = new Thread(() -> {
            while (!done.get()) {
                RegisteredStub a = proxy.stubFor(get("/flip").willReturn(text(200, "a")));
                RegisteredStub b = proxy.stubFor(get("/flip").willReturn(text(200, "b")));
                a.remove();
                proxy.stubFor(get("/other").willReturn(text(200, "other"))).remove();
                b.remove();
                changes.incrementAndGet();
            }
        }, "stub-changer");
        changer.start();
        List<String> bodies;
        try {
            bodies = fire("/flip", REQUESTS);
        } finally {
            done.set(true);
            changer.join();
        }

        for (String body : bodies) {
            assertTrue(body.equals("a") || body.equals("b") || body.contains("\"target\":\"/flip\""), body);
        }
        assertTrue(changes.get() > 0);
        assertTrue(proxy.stubs().list().isEmpty());
    }

    @Test
    void concurrentRegistrationsAreAllKept() throws Exception {
        List<Thread> threads = new ArrayList<>();
        Map<RegisteredStub, Boolean> registered = new ConcurrentHashMap<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 250; i++) {
                    registered.put(proxy.stubFor(get("/t" + thread + "/" + i).willReturn(text(200, "x"))), true);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }

        assertEquals(1000, proxy.stubs().list().size());
        assertEquals(registered.keySet(), Set.copyOf(proxy.stubs().list()));
        assertEquals("x", StubKit.get(proxy, "/t3/249").body());
    }

    /** Sends {@code count} GETs at once, over as many connections as the client opens; returns the bodies. */
    private List<String> fire(String path, int count) {
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(StubKit.HTTP.sendAsync(HttpRequest.newBuilder(proxy.baseUri().resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<String> bodies = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> future : futures) {
            HttpResponse<String> response = future.join();
            assertEquals(200, response.statusCode(), response.body());
            bodies.add(response.body());
        }
        return bodies;
    }
}
