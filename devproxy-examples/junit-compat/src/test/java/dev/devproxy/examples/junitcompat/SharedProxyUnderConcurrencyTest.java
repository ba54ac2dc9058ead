package dev.devproxy.examples.junitcompat;

import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.examples.junitcompat.Fixtures.Only;
import dev.devproxy.examples.junitcompat.Fixtures.Outcome;
import dev.devproxy.junit.DevProxyExtension;
import dev.devproxy.junit.DevProxyTest;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A class-level proxy under JUnit's concurrent mode, per version: from Jupiter 5.12, {@code @DevProxyTest}
 * locks its class, so its tests run one at a time and pass; before 5.12 (no resource lock providers) the
 * class fails before its first test, naming the annotation to add. A static field has no lock on any version
 * and fails the same way, unless the class asks for {@code SAME_THREAD}.
 */
class SharedProxyUnderConcurrencyTest {
    static final AtomicInteger active = new AtomicInteger();
    static final AtomicInteger most = new AtomicInteger();

    @Test
    void devProxyTestSerialisesItsTestsOrSaysWhatToAdd() {
        active.set(0);
        most.set(0);

        Map<String, Outcome> outcomes = Fixtures.run(AnnotatedFixture.class, Fixtures.concurrent());

        if (Fixtures.hasResourceLocksProvider()) {
            assertTrue(outcomes.values().stream().allMatch(Outcome::passed), outcomes.toString());
            assertEquals(4, outcomes.size(), outcomes.toString());
            assertEquals(1, most.get(), "tests sharing a proxy overlapped on Jupiter " + Fixtures.jupiterVersion());
        } else {
            assertFailedAtClassStart(outcomes);
        }
    }

    @Test
    void aStaticFieldFailsAtClassStartOnEveryVersion() {
        assertFailedAtClassStart(Fixtures.run(StaticFieldFixture.class, Fixtures.concurrent()));
    }

    @Test
    void aStaticFieldRunsWhenTheClassAsksForOneThread() {
        Map<String, Outcome> outcomes = Fixtures.run(SameThreadFixture.class, Fixtures.concurrent());

        assertTrue(outcomes.values().stream().allMatch(Outcome::passed), outcomes.toString());
        assertEquals(3, outcomes.size(), outcomes.toString());
    }

    private static void assertFailedAtClassStart(Map<String, Outcome> outcomes) {
        assertEquals(1, outcomes.size(), "only the class, no test: " + outcomes);
        Outcome container = outcomes.values().iterator().next();
        assertTrue(container.message().contains("@Execution(ExecutionMode.SAME_THREAD)"), container.message());
    }

    /** Holds the proxy 100 ms, long enough for the other tests to start on the four threads if JUnit let them. */
    static void hold(DevProxy proxy, String name) throws Exception {
        most.accumulateAndGet(active.incrementAndGet(), Math::max);
        try {
            proxy.stubFor(get("/who").willReturn(text(200, name)));
            new CountDownLatch(1).await(100, TimeUnit.MILLISECONDS);
            assertEquals(1, proxy.stubs().list().size(), "another test's stub is here");
        } finally {
            active.decrementAndGet();
        }
    }

    @DevProxyTest
    @ExtendWith(Only.class)
    static class AnnotatedFixture {
        @Test
        void one(DevProxy proxy) throws Exception {
            hold(proxy, "one");
        }

        @Test
        void two(DevProxy proxy) throws Exception {
            hold(proxy, "two");
        }

        @Test
        void three(DevProxy proxy) throws Exception {
            hold(proxy, "three");
        }
    }

    @ExtendWith(Only.class)
    static class StaticFieldFixture {
        @RegisterExtension
        static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1));

        @Test
        void one() throws Exception {
            hold(devProxy.proxy(), "one");
        }

        @Test
        void two() throws Exception {
            hold(devProxy.proxy(), "two");
        }
    }

    @ExtendWith(Only.class)
    @Execution(ExecutionMode.SAME_THREAD)
    static class SameThreadFixture {
        @RegisterExtension
        static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1));

        @Test
        void one() throws Exception {
            hold(devProxy.proxy(), "one");
        }

        @Test
        void two() throws Exception {
            hold(devProxy.proxy(), "two");
        }
    }
}
