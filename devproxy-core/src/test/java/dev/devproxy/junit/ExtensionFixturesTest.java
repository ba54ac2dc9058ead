package dev.devproxy.junit;

import static dev.devproxy.junit.PerClassExtensionTest.send;
import static dev.devproxy.stub.RequestPattern.get;
import static dev.devproxy.stub.Responses.status;
import static dev.devproxy.stub.Responses.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.DevProxy;
import dev.devproxy.junit.FixtureRunner.Fixture;
import dev.devproxy.junit.FixtureRunner.Outcome;
import dev.devproxy.stub.JournalEntry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * What the extension does to whole test classes, run in a launcher of their own: the failures it reports
 * (strict stubbing, ambiguous or impossible injection, a shared proxy under concurrency) and isolation under
 * parallel execution. The fixtures are the nested classes below.
 */
@Timeout(60)
class ExtensionFixturesTest {

    @Test
    void strictStubbingFailsATestThatSentAnUnmatchedRequestAndSaysWhy() {
        Map<String, Outcome> outcomes = FixtureRunner.run(StrictFixture.class);

        Outcome unmatched = outcomes.get("sendsARequestNoStubMatches(DevProxy)");
        assertFalse(unmatched.passed());
        assertTrue(unmatched.failure() instanceof AssertionError, String.valueOf(unmatched.failure()));
        assertTrue(unmatched.message().startsWith("Strict stubbing: 1 request matched no stub and was answered 404:\n"
                + "  No stub matched GET /api/user.\n"
                + "  Closest stub:\n"
                + "    1. GET /api/users -> 200  (registered at ExtensionFixturesTest.java:"), unmatched.message());
        assertTrue(unmatched.message().endsWith("- path: expected \"/api/users\" but was \"/api/user\""),
                unmatched.message());
    }

    @Test
    void aStrictReportNamesARequestTheProxyRefusedAndWhy() {
        Map<String, Outcome> outcomes = FixtureRunner.run(StrictFixture.class);

        Outcome refused = outcomes.get("uploadsMoreThanMaxBodySize(DevProxy)");
        assertFalse(refused.passed());
        assertTrue(refused.message().startsWith("Strict stubbing: 1 stub this test registered was never used:\n"
                + "  - POST /upload -> 201"), refused.message());
        assertTrue(refused.message().contains("\n1 request was refused by the proxy before any stub saw it:\n"
                + "  - POST /upload -> 413 (refused: request body larger than maxBodySize ("), refused.message());
    }

    @Test
    void strictStubbingFailsATestThatNeverUsedAStubItRegistered() {
        Map<String, Outcome> outcomes = FixtureRunner.run(StrictFixture.class);

        Outcome unused = outcomes.get("registersAStubItNeverUses(DevProxy)");
        assertFalse(unused.passed());
        assertTrue(unused.message().matches("Strict stubbing: 1 stub this test registered was never used:\n"
                + "  - GET /never -> 204  \\(registered at ExtensionFixturesTest.java:\\d+\\)"), unused.message());
        assertTrue(outcomes.get("usesEveryStubItRegisters(DevProxy)").passed(), outcomes.toString());
    }

    @Test
    void aDevProxyParameterIsAmbiguousWithTwoExtensionsButEachFieldKeepsItsOwnProxy() {
        Map<String, Outcome> outcomes = FixtureRunner.run(TwoExtensionsFixture.class);

        Outcome ambiguous = outcomes.get("takesAnAmbiguousParameter(DevProxy)");
        assertFalse(ambiguous.passed());
        assertTrue(ambiguous.failure() instanceof ParameterResolutionException, String.valueOf(ambiguous.failure()));
        assertTrue(ambiguous.message().endsWith("registers 2 DevProxy extensions (field first, field second), so a"
                + " DevProxy parameter is ambiguous. Use each extension's proxy() method instead, such as first.proxy()"),
                ambiguous.message());
        assertTrue(outcomes.get("usesEachFieldsOwnProxy()").passed(), outcomes.toString());
    }

    @Test
    void constructorInjectionIsRefusedWithTheReason() {
        Outcome outcome = FixtureRunner.run(ConstructorFixture.class).get("neverRuns()");

        assertFalse(outcome.passed());
        assertTrue(outcome.failure() instanceof ParameterResolutionException, String.valueOf(outcome.failure()));
        assertTrue(outcome.message().contains("cannot be injected into the constructor of"), outcome.message());
    }

    @Test
    void aPerTestProxyIsNotAvailableInBeforeAllAndTheMessageSaysWhatToDo() {
        Map<String, Outcome> outcomes = FixtureRunner.run(PerTestBeforeAllFixture.class);
        List<Outcome> failed = outcomes.values().stream().filter(o -> !o.passed()).toList();

        assertEquals(1, failed.size(), outcomes.toString());
        Outcome outcome = failed.get(0);
        assertTrue(outcome.failure() instanceof ParameterResolutionException, String.valueOf(outcome.failure()));
        assertTrue(outcome.message().contains("with one proxy per test (an instance field, or proxyPerTest = true)"
                + " there is none in @BeforeAll or @AfterAll methods"), outcome.message());
    }

    @Test
    void aSharedFieldProxyUnderConcurrentExecutionFailsAtClassStartNamingTheAnnotationToAdd() {
        Map<String, Outcome> outcomes = FixtureRunner.run(FixtureRunner.parallel(), SharedConcurrentFixture.class);

        assertEquals(1, outcomes.size(), "no test ran: " + outcomes);
        Outcome container = outcomes.values().iterator().next();
        assertTrue(container.failure() instanceof ExtensionConfigurationException, String.valueOf(container));
        assertTrue(container.message().contains("is configured to run its tests concurrently"), container.message());
        assertTrue(container.message().contains("Annotate SharedConcurrentFixture with"
                + " @Execution(ExecutionMode.SAME_THREAD)"), container.message());
    }

    @Test
    void concurrentByConfigurationAloneIsCaughtAtClassStartToo() {
        Map<String, String> configuration = new java.util.HashMap<>(FixtureRunner.parallel());
        configuration.put("junit.jupiter.execution.parallel.mode.default", "concurrent");

        Map<String, Outcome> outcomes = FixtureRunner.run(configuration, SharedByConfigurationFixture.class);

        assertEquals(1, outcomes.size(), "no test ran: " + outcomes);
        assertTrue(outcomes.values().iterator().next().message().contains("@Execution(ExecutionMode.SAME_THREAD)"),
                outcomes.toString());
    }

    @Test
    void aSharedFieldProxyRunsWhenTheClassAsksForOneThread() {
        Map<String, String> configuration = new java.util.HashMap<>(FixtureRunner.parallel());
        configuration.put("junit.jupiter.execution.parallel.mode.default", "concurrent");

        Map<String, Outcome> outcomes = FixtureRunner.run(configuration, SharedSameThreadFixture.class);

        assertTrue(outcomes.values().stream().allMatch(Outcome::passed), outcomes.toString());
        assertEquals(3, outcomes.size(), outcomes.toString());
    }

    @Test
    void devProxyTestRunsTheTestsSharingItsProxyOneAtATimeUnderConcurrentExecution() {
        AnnotatedConcurrentFixture.active.set(0);
        AnnotatedConcurrentFixture.most.set(0);

        Map<String, Outcome> outcomes = FixtureRunner.run(FixtureRunner.parallel(), AnnotatedConcurrentFixture.class);

        assertEquals(5, outcomes.size(), outcomes.toString());
        assertTrue(outcomes.values().stream().allMatch(Outcome::passed), outcomes.toString());
        assertEquals(1, AnnotatedConcurrentFixture.most.get(), "tests sharing the proxy overlapped");
    }

    @Test
    void aFieldInAClassNestedInADevProxyTestClassSharesItsLock() {
        Map<String, Outcome> outcomes = FixtureRunner.run(FixtureRunner.parallel(), LockedOuterFixture.class);

        assertTrue(outcomes.values().stream().allMatch(Outcome::passed), outcomes.toString());
        assertTrue(outcomes.containsKey("usesTheNestedField()"), outcomes.toString());
    }

    @Test
    void parallelClassesNeverSeeEachOthersStubsOrRequests() {
        Map<String, String> configuration = new java.util.HashMap<>(FixtureRunner.parallel());
        configuration.put("junit.jupiter.execution.parallel.mode.classes.default", "concurrent");

        Map<String, Outcome> outcomes = FixtureRunner.run(configuration, ParallelClassA.class, ParallelClassB.class);

        assertTrue(outcomes.get("classASeesOnlyItsOwn(DevProxy)").passed(), outcomes.toString());
        assertTrue(outcomes.get("classBSeesOnlyItsOwn(DevProxy)").passed(), outcomes.toString());
    }

    @Test
    void concurrentTestsWithAProxyEachNeverSeeEachOthersStubsOrRequests() {
        Map<String, Outcome> outcomes = FixtureRunner.run(FixtureRunner.parallel(), PerTestConcurrentFixture.class);

        for (String test : List.of("one(TestInfo)", "two(TestInfo)", "three(TestInfo)", "four(TestInfo)")) {
            assertTrue(outcomes.get(test).passed(), outcomes.toString());
        }
    }

    @Test
    void annotationProxyPerTestGivesEachTestItsOwnProxy() {
        Map<String, Outcome> outcomes = FixtureRunner.run(AnnotationPerTestFixture.class);

        assertTrue(outcomes.get("first(DevProxy)").passed(), outcomes.toString());
        assertTrue(outcomes.get("second(DevProxy)").passed(), outcomes.toString());
    }

    // ---- Fixtures -------------------------------------------------------------------------------------------

    @DevProxyTest(strictStubbing = true)
    @ExtendWith(Fixture.class)
    static class StrictFixture {
        @Test
        void sendsARequestNoStubMatches(DevProxy proxy) throws Exception {
            proxy.stubFor(get("/api/users").willReturn(text(200, "[]")));
            send(proxy, "/api/users");
            send(proxy, "/api/user");
        }

        @Test
        void uploadsMoreThanMaxBodySize(DevProxy proxy) throws Exception {
            proxy.stubFor(dev.devproxy.stub.RequestPattern.post("/upload").willReturn(status(201)));
            try (java.net.Socket socket = new java.net.Socket(proxy.address().getAddress(), proxy.port())) {
                socket.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 999999999999"
                        + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.US_ASCII);
                assertTrue(response.startsWith("HTTP/1.1 413 "), response);
            }
        }

        @Test
        void registersAStubItNeverUses(DevProxy proxy) {
            proxy.stubFor(get("/never").willReturn(status(204)));
        }

        @Test
        void usesEveryStubItRegisters(DevProxy proxy) throws Exception {
            proxy.stubFor(get("/used").willReturn(text(200, "ok")));
            assertEquals("ok", send(proxy, "/used"));
        }
    }

    @ExtendWith(Fixture.class)
    static class TwoExtensionsFixture {
        @RegisterExtension
        static final DevProxyExtension first = new DevProxyExtension(DevProxy.builder().ioThreads(1));
        @RegisterExtension
        static final DevProxyExtension second = new DevProxyExtension(DevProxy.builder().ioThreads(1));

        @Test
        void takesAnAmbiguousParameter(DevProxy proxy) {
        }

        @Test
        void usesEachFieldsOwnProxy() throws Exception {
            assertNotSame(first.proxy(), second.proxy());
            first.stubFor(get("/who").willReturn(text(200, "first")));
            second.stubFor(get("/who").willReturn(text(200, "second")));
            assertEquals("first", send(first.proxy(), "/who"));
            assertEquals("second", send(second.proxy(), "/who"));
            assertEquals(1, first.journal().all().size());
            assertEquals(1, second.journal().all().size());
        }
    }

    @ExtendWith(Fixture.class)
    static class ConstructorFixture {
        @RegisterExtension
        static final DevProxyExtension devProxy = new DevProxyExtension();

        ConstructorFixture(DevProxy proxy) {
        }

        @Test
        void neverRuns() {
        }
    }

    // With an instance field instead, JUnit registers the extension only once there is an instance, so it is
    // not asked for @BeforeAll parameters and JUnit's own "No ParameterResolver registered" message shows.
    @DevProxyTest(proxyPerTest = true)
    @ExtendWith(Fixture.class)
    static class PerTestBeforeAllFixture {
        @BeforeAll
        static void tooEarly(DevProxy proxy) {
        }

        @Test
        void neverRuns() {
        }
    }

    @ExtendWith(Fixture.class)
    @Execution(ExecutionMode.CONCURRENT)
    static class SharedConcurrentFixture {
        @RegisterExtension
        static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1));

        @Test
        void holdsTheSharedProxy() {
        }

        @Test
        void alsoHoldsTheSharedProxy() {
        }
    }

    @ExtendWith(Fixture.class)
    static class SharedByConfigurationFixture {
        @RegisterExtension
        static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1));

        @Test
        void neverRuns() {
        }
    }

    @ExtendWith(Fixture.class)
    @Execution(ExecutionMode.SAME_THREAD)
    static class SharedSameThreadFixture {
        @RegisterExtension
        static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1));

        @Test
        void one(DevProxy proxy) throws Exception {
            checkIsolation(proxy, "one", new CyclicBarrier(1));
        }

        @Test
        void two(DevProxy proxy) throws Exception {
            checkIsolation(proxy, "two", new CyclicBarrier(1));
        }
    }

    @DevProxyTest
    @ExtendWith(Fixture.class)
    @Execution(ExecutionMode.CONCURRENT)
    static class AnnotatedConcurrentFixture {
        static final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
        static final java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();

        @Test
        void one(DevProxy proxy, TestInfo test) throws Exception {
            hold(proxy, test);
        }

        @Test
        void two(DevProxy proxy, TestInfo test) throws Exception {
            hold(proxy, test);
        }

        @Test
        void three(DevProxy proxy, TestInfo test) throws Exception {
            hold(proxy, test);
        }

        @Test
        void four(DevProxy proxy, TestInfo test) throws Exception {
            hold(proxy, test);
        }

        /** Long enough (100 ms) for the other three to start on the four threads if JUnit let them. */
        private static void hold(DevProxy proxy, TestInfo test) throws Exception {
            most.accumulateAndGet(active.incrementAndGet(), Math::max);
            try {
                new CountDownLatch(1).await(100, TimeUnit.MILLISECONDS);
                checkIsolation(proxy, test.getTestMethod().orElseThrow().getName(), new CyclicBarrier(1));
            } finally {
                active.decrementAndGet();
            }
        }
    }

    @DevProxyTest
    @ExtendWith(Fixture.class)
    @Execution(ExecutionMode.CONCURRENT)
    static class LockedOuterFixture {
        @Test
        void usesTheOuterProxy(DevProxy proxy) {
            assertTrue(proxy.port() > 0);
        }

        @org.junit.jupiter.api.Nested
        class Inner {
            @RegisterExtension
            static final DevProxyExtension nested = new DevProxyExtension(DevProxy.builder().ioThreads(1));

            @Test
            void usesTheNestedField() {
                assertTrue(nested.proxy().port() > 0);
            }
        }
    }

    /** Both parallel classes wait here, so that each checks its proxy while the other is running. */
    static final CyclicBarrier BOTH_CLASSES = new CyclicBarrier(2);

    @ExtendWith(Fixture.class)
    static class ParallelClassA {
        @RegisterExtension
        static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1));

        @Test
        void classASeesOnlyItsOwn(DevProxy proxy) throws Exception {
            checkIsolation(proxy, "A", BOTH_CLASSES);
        }
    }

    @ExtendWith(Fixture.class)
    static class ParallelClassB {
        @RegisterExtension
        static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1));

        @Test
        void classBSeesOnlyItsOwn(DevProxy proxy) throws Exception {
            checkIsolation(proxy, "B", BOTH_CLASSES);
        }
    }

    /** The four concurrent tests wait here for each other. */
    static final CyclicBarrier FOUR_TESTS = new CyclicBarrier(4);

    @ExtendWith(Fixture.class)
    @Execution(ExecutionMode.CONCURRENT)
    static class PerTestConcurrentFixture {
        @RegisterExtension
        final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().ioThreads(1));

        @Test
        void one(TestInfo test) throws Exception {
            checkIsolation(devProxy.proxy(), test.getDisplayName(), FOUR_TESTS);
        }

        @Test
        void two(TestInfo test) throws Exception {
            checkIsolation(devProxy.proxy(), test.getDisplayName(), FOUR_TESTS);
        }

        @Test
        void three(TestInfo test) throws Exception {
            checkIsolation(devProxy.proxy(), test.getDisplayName(), FOUR_TESTS);
        }

        @Test
        void four(TestInfo test) throws Exception {
            checkIsolation(devProxy.proxy(), test.getDisplayName(), FOUR_TESTS);
        }
    }

    @DevProxyTest(proxyPerTest = true)
    @ExtendWith(Fixture.class)
    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class)
    static class AnnotationPerTestFixture {
        static DevProxy firstProxy;

        @Test
        void first(DevProxy proxy) {
            firstProxy = proxy;
        }

        @Test
        void second(DevProxy proxy) {
            assertNotSame(firstProxy, proxy);
        }
    }

    /** Stubs {@code /who} as {@code name}, waits for the others to do the same, then checks it sees only its own. */
    static void checkIsolation(DevProxy proxy, String name, CyclicBarrier barrier) throws Exception {
        proxy.stubFor(get("/who").willReturn(text(200, name)));
        send(proxy, "/mine/" + name);
        barrier.await(10, TimeUnit.SECONDS);
        assertEquals(name, send(proxy, "/who"));
        assertEquals(List.of("/mine/" + name, "/who"), proxy.journal().all().stream().map(JournalEntry::target).toList());
        assertEquals(1, proxy.stubs().list().size());
    }
}
