package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What the engine tests share: a proxy with test-friendly defaults, bounded polling, and format checks. */
final class TestSupport {
    /** One client for every test: {@code HttpClient} has no close() before Java 21, so each one leaks a thread. */
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // never try an h2c upgrade on a plain HTTP/1.1 server
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private TestSupport() {
    }

    /** A builder on a free port; everything else at its default. */
    static DevProxy.Builder proxy() {
        return DevProxy.builder().port(0);
    }

    /**
     * Polls {@code condition} until it holds, failing after {@code deadline} with {@code what} and the last
     * value {@code describe} gives. For state that changes on another thread with no event to wait on.
     */
    static void await(String what, Duration deadline, BooleanSupplier condition, Supplier<?> describe) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                fail("within " + deadline.toMillis() + " ms, expected " + what + "; last seen: " + describe.get());
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    /** {@link #await(String, Duration, BooleanSupplier, Supplier)} with a 5 s deadline. */
    static void await(String what, BooleanSupplier condition, Supplier<?> describe) {
        await(what, Duration.ofSeconds(5), condition, describe);
    }

    /**
     * Returns once every event loop has handled what was ready when this was called: on loopback, bytes a
     * client has sent are already queued at the server socket, so their read happens before this returns.
     * Tests on an injected clock need it: moving the clock before the loop has seen a request would start
     * the request's stage at the later time.
     */
    static void awaitEventLoopsIdle(DevProxy proxy) {
        // A whole turn of each loop, its select included: one task alone could run at the end of a turn that
        // was busy with something else, before the loop selected the bytes just sent (seen under load).
        if (!proxy.server().awaitLoopTurns()) {
            fail("an event loop did not answer");
        }
    }

    /** Waits until the proxy has no client connection open. */
    static void awaitNoOpenConnections(DevProxy proxy) {
        await("no open connections", () -> proxy.openConnections() == 0, proxy::openConnections);
    }

    /** Waits until every pooled read buffer is back in its pool. */
    static void awaitNoBuffersInUse(DevProxy proxy) {
        await("every pooled buffer released", () -> proxy.server().pooledBuffersInUse() == 0,
                () -> proxy.server().pooledBuffersInUse());
    }

    /**
     * Checks DevProxy's plain-text error format: the status line, {@code Content-Type: text/plain; charset=utf-8},
     * {@code Content-Length}, {@code Connection: close}, and the reason phrase in capitals as the body.
     */
    static void assertErrorResponse(RawClient.RawResponse response, int status, String reason) {
        String body = reason.toUpperCase(java.util.Locale.ROOT);
        assertAll("error response " + response,
                () -> assertEquals("HTTP/1.1 " + status + " " + reason, response.statusLine()),
                () -> assertEquals("text/plain; charset=utf-8", response.header("Content-Type")),
                () -> assertEquals(String.valueOf(body.length()), response.header("Content-Length")),
                () -> assertEquals("close", response.header("Connection")),
                () -> assertEquals(1, response.headerCount("Connection")),
                () -> assertEquals(body, response.bodyText()));
    }
}
