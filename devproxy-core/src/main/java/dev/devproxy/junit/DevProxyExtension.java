package dev.devproxy.junit;

import dev.devproxy.DevProxy;
import dev.devproxy.internal.stub.TestDefaults;
import dev.devproxy.stub.JournalEntry;
import dev.devproxy.stub.RegisteredStub;
import dev.devproxy.stub.RequestJournal;
import dev.devproxy.stub.RequestMatcher;
import dev.devproxy.stub.Stub;
import java.lang.reflect.Constructor;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs a {@link DevProxy} for JUnit Jupiter tests: started on a free port before the tests, with stubs and
 * journal reset between tests, and closed after them. Works with JUnit Jupiter 5.10 and later, 6.x included.
 *
 * <pre>{@code
 * class UsersClientTest {
 *     @RegisterExtension
 *     static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().journalCapacity(100));
 *
 *     @Test
 *     void readsUsers(DevProxy proxy) {
 *         proxy.stubFor(get("/api/users").willReturn(json(200, "[]")));
 *         ...
 *         proxy.verify(get("/api/users"));
 *     }
 * }
 * }</pre>
 *
 * <p>Settings that exist only once the class has started, such as an upstream started in {@code @BeforeAll},
 * are given by a supplier, called when the proxy starts:
 * {@code new DevProxyExtension(() -> DevProxy.builder().upstream(upstream))}.
 *
 * <h2>Unmatched requests</h2>
 * A request no stub matches is answered {@code 404} with the near-miss report as its {@code text/plain} body
 * (the closest stubs, and what each missed), and its journal entry is marked
 * {@linkplain JournalEntry#unmatched() unmatched}; a test's client then fails on the request instead of
 * reading an echo as data. The rest of the standard routing stays: {@code /proxy/*} is forwarded to the
 * builder's upstream and {@code /metrics} served. A builder with a {@code router(...)} sends such requests
 * to that router instead, and {@code router(Router.standard(upstream))} brings back the standalone proxy's
 * echo. With strict stubbing ({@code DevProxy.builder().strictStubbing(true)}), the
 * test also fails after it ends when a request matched no stub or a stub it registered was never used.
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>In a {@code static} field, or through {@link DevProxyTest @DevProxyTest}: one proxy per test class,
 *       shared by its {@code @Nested} classes, started before the first test (or the first use in
 *       {@code @BeforeAll}). Stubs registered before the first test (in {@code @BeforeAll}) stay for every
 *       test, their use counts restarted; stubs a {@code @Nested} class registers in its {@code @BeforeAll}
 *       stay for that class only; stubs registered during a test, {@code @BeforeEach} included, are removed
 *       after it; the journal is cleared before each test. Its tests must not run concurrently with each
 *       other: see <em>Concurrent execution</em>.</li>
 *   <li>In an instance field, or with {@code @DevProxyTest(proxyPerTest = true)}: one proxy per test, started
 *       before {@code @BeforeEach} methods and closed after {@code @AfterEach} methods.</li>
 * </ul>
 * The port is the one the proxy bound (port 0), so parallel tests never collide.
 *
 * <h2>Concurrent execution</h2>
 * Per-test proxies need nothing. A class-level proxy cannot serve tests running at once (each test's reset
 * would break the others'), so {@code @DevProxyTest} declares a resource lock on its class that makes JUnit
 * run the class's tests one at a time, on Jupiter 5.12 and later. Where no lock applies (Jupiter before 5.12,
 * or a {@code static} field), a class whose tests JUnit is configured to run concurrently fails before its
 * first test, with a message naming the annotation to add: {@code @Execution(ExecutionMode.SAME_THREAD)}.
 *
 * <h2>State</h2>
 * There is no static state: each proxy lives in the {@link ExtensionContext.Store} of its class or test, in a
 * namespace of its own extension instance, and is closed by JUnit with it. Values there close themselves on
 * every supported version: they implement both {@code Store.CloseableResource} (what Jupiter before 5.13
 * closes) and {@link AutoCloseable} (what 5.13 and later close), and closing twice does nothing. So two
 * extensions in one class, or two classes running in parallel, never see each other's stubs or requests.
 *
 * <h2>Parameters</h2>
 * A {@code DevProxy} parameter of a test method or of a {@code @BeforeEach}, {@code @AfterEach},
 * {@code @BeforeAll} or {@code @AfterAll} method gets the proxy. When a class registers two extensions, a
 * parameter would be ambiguous: use each extension's {@link #proxy()} instead.
 */
public final class DevProxyExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {
    private static final String PROXY = "proxy";
    private static final String SCOPE = "scope";

    /** Makes each proxy's builder, or null to configure from {@link DevProxyTest} (or defaults). */
    private final @Nullable Supplier<DevProxy.Builder> settings;
    /** The proxies of this extension, started or not yet, by the unique id of the class or test that owns each. */
    private final Map<String, ProxyResource> running = new ConcurrentHashMap<>();

    /**
     * An extension whose proxies have every default, or the settings of a {@link DevProxyTest} annotation on
     * the test class; this is the constructor {@code @DevProxyTest} uses.
     */
    public DevProxyExtension() {
        this.settings = null;
    }

    /**
     * An extension whose proxies are built by {@code builder}, so that every setting of {@link DevProxy}
     * is available without a constructor per setting. The extension sets the builder's port to 0, binding a
     * free port. The builder is checked now (a bad setting fails where the field is declared) and should not
     * be changed afterwards; for settings known only later, use {@link #DevProxyExtension(Supplier)}.
     *
     * @param builder the settings for every proxy this extension starts
     * @throws IllegalArgumentException when the builder's settings are invalid
     */
    public DevProxyExtension(DevProxy.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        synchronized (builder) {
            builder.port(0);
            builder.build(); // checks every setting; nothing is started or bound
        }
        this.settings = () -> builder;
    }

    /**
     * An extension whose proxies are built by a builder from {@code settings}, asked each time a proxy starts:
     * for a class-level proxy, before the class's first test (after its {@code @BeforeAll} methods) or at its
     * first use in {@code @BeforeAll}, so that an upstream started there can be passed:
     * {@code new DevProxyExtension(() -> DevProxy.builder().upstream(Upstream.of("localhost", server.port())))}.
     * The extension sets the builder's port to 0.
     *
     * @param settings makes the builder of each proxy; called on the thread starting the proxy
     */
    public DevProxyExtension(Supplier<DevProxy.Builder> settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * The proxy of the test or class running now, for tests that hold the extension in a field rather than
     * take a {@code DevProxy} parameter.
     *
     * @return the running proxy
     * @throws IllegalStateException when no test of a class that registers this extension is running, or when
     *     this extension runs more than one proxy at once (an instance shared by concurrent test classes or
     *     tests): take a {@code DevProxy} parameter then
     */
    public DevProxy proxy() {
        Set<ProxyResource> proxies = Collections.newSetFromMap(new IdentityHashMap<>());
        proxies.addAll(running.values());
        if (proxies.size() == 1) {
            return proxies.iterator().next().proxy();
        }
        if (proxies.isEmpty()) {
            throw new IllegalStateException("no DevProxy is running for this extension: proxy() works from a test,"
                    + " or a lifecycle method of a class that registers it (@BeforeAll only when the field is"
                    + " static)");
        }
        throw new IllegalStateException("this extension runs " + proxies.size() + " proxies at once (an extension"
                + " instance shared by test classes or tests running concurrently), so proxy() is ambiguous;"
                + " take a DevProxy parameter in the test method instead");
    }

    /**
     * {@code proxy().baseUri()}: {@code http://127.0.0.1:port/}.
     *
     * @return the running proxy's base URI
     */
    public URI baseUri() {
        return proxy().baseUri();
    }

    /**
     * {@code proxy().stubFor(stub)}.
     *
     * @param stub the stub to register
     * @return the registration, to count its uses or remove it
     */
    public RegisteredStub stubFor(Stub stub) {
        return proxy().stubFor(stub);
    }

    /**
     * {@code proxy().journal()}.
     *
     * @return the running proxy's request journal
     */
    public RequestJournal journal() {
        return proxy().journal();
    }

    /**
     * {@code proxy().verify(matcher)}: at least one request matched.
     *
     * @param matcher what a request must match
     * @throws AssertionError when none did
     */
    public void verify(RequestMatcher matcher) {
        proxy().verify(matcher);
    }

    /**
     * {@code proxy().verify(times, matcher)}.
     *
     * @param times the expected number of matching requests, 0 or more
     * @param matcher what a request must match
     * @throws AssertionError when the count differs
     */
    public void verify(int times, RequestMatcher matcher) {
        proxy().verify(times, matcher);
    }

    /**
     * {@code proxy().verify(times, matcher, timeout)}: for clients that send in the background.
     *
     * @param times the expected number of matching requests, 0 or more
     * @param matcher what a request must match
     * @param timeout the longest time to wait for {@code times} matching requests
     * @throws AssertionError when the count differs after waiting
     */
    public void verify(int times, RequestMatcher matcher, Duration timeout) {
        proxy().verify(times, matcher, timeout);
    }

    /**
     * {@code proxy().awaitRequest(matcher, timeout)}: the first request matching, waiting for it to arrive.
     *
     * @param matcher what the request must match
     * @param timeout the longest time to wait
     * @return the oldest matching request in the journal
     * @throws AssertionError when none arrives in time, listing what arrived instead
     */
    public JournalEntry awaitRequest(RequestMatcher matcher, Duration timeout) {
        return proxy().awaitRequest(matcher, timeout);
    }

    // ---- Callbacks ------------------------------------------------------------------------------------------

    @Override
    public void beforeAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(namespace());
        ProxyResource enclosing = store.get(PROXY, ProxyResource.class); // also looks in enclosing classes
        if (enclosing != null) {
            // A @Nested class shares its enclosing class's proxy; what it stubs in @BeforeAll goes with it.
            store.put(SCOPE, new StubScope(enclosing.proxy(), "the @Nested class " + context.getDisplayName()));
            return;
        }
        DevProxyTest annotation = annotation(context);
        if (settings == null && annotation != null && annotation.proxyPerTest()) {
            return;
        }
        ConcurrencyCheck.refuseUnlockedConcurrentTests(context);
        // Started at first use, so that a supplier given to the extension sees what @BeforeAll methods set up.
        String owner = context.getUniqueId();
        ProxyResource resource = new ProxyResource(owner, true, annotation);
        running.put(owner, resource);
        store.put(PROXY, resource);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(namespace());
        ProxyResource shared = store.get(PROXY, ProxyResource.class);
        ProxyResource resource;
        if (shared != null) {
            if (shared.testsRunning.incrementAndGet() > 1) {
                shared.testsRunning.decrementAndGet();
                throw new ExtensionConfigurationException(ConcurrencyCheck.sharedProxyMessage(
                        context.getRequiredTestClass(), "runs tests concurrently"));
            }
            resource = shared;
        } else {
            String owner = context.getUniqueId();
            resource = new ProxyResource(owner, false, annotation(context));
            running.put(owner, resource);
            store.put(PROXY, resource);
        }
        DevProxy proxy = resource.proxy();
        proxy.stubs().clearUnmatched();
        try {
            proxy.journal().clear();
        } catch (IllegalStateException noJournal) {
            // Built with journalCapacity(0): there is nothing to clear, and the test never reads a journal.
        }
        store.put(SCOPE, new TestScope(proxy, shared == null ? null : shared.testsRunning));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestScope scope = context.getStore(namespace()).remove(SCOPE, TestScope.class);
        if (scope != null) {
            scope.finish();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() != DevProxy.class) {
            return false;
        }
        Registrations registrations = Registrations.of(context, this);
        return registrations.count() <= 1 || registrations.leader() == this;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getDeclaringExecutable() instanceof Constructor) {
            // Not supported on purpose: JUnit creates the test instance before beforeEach, so with a proxy per
            // test the constructor would run before its proxy exists, and with @TestInstance(PER_CLASS) one
            // instance would keep the first test's proxy for every test.
            throw new ParameterResolutionException("DevProxy cannot be injected into the constructor of "
                    + parameter.getDeclaringExecutable().getDeclaringClass().getName() + ": the instance is made"
                    + " before the proxy of its test starts. Take a DevProxy parameter in the test or"
                    + " @BeforeEach method instead");
        }
        Registrations registrations = Registrations.of(context, this);
        if (registrations.count() > 1) {
            throw new ParameterResolutionException(context.getRequiredTestClass().getName() + " registers "
                    + registrations.count() + " DevProxy extensions (" + registrations.describe() + "), so a"
                    + " DevProxy parameter is ambiguous. Use each extension's proxy() method instead, such as "
                    + registrations.example());
        }
        ProxyResource resource = context.getStore(namespace()).get(PROXY, ProxyResource.class);
        if (resource == null) {
            throw new ParameterResolutionException("no DevProxy is running for " + parameter.getDeclaringExecutable()
                    + ": with one proxy per test (an instance field, or proxyPerTest = true) there is none in"
                    + " @BeforeAll or @AfterAll methods. Share one proxy per class (a static field, or"
                    + " @DevProxyTest without proxyPerTest), or take the parameter in a @BeforeEach or test method");
        }
        return resource.proxy();
    }

    // ---- Implementation -------------------------------------------------------------------------------------

    private ExtensionContext.Namespace namespace() {
        // Per extension instance: two extensions in one class keep separate proxies.
        return ExtensionContext.Namespace.create(DevProxyExtension.class, this);
    }

    private DevProxy build(@Nullable DevProxyTest annotation) {
        DevProxy.Builder builder;
        if (settings != null) {
            builder = settings.get();
            if (builder == null) {
                throw new ExtensionConfigurationException("the supplier given to new DevProxyExtension(...) returned"
                        + " null; it must return a DevProxy.Builder, such as DevProxy.builder().upstream(...)");
            }
        } else {
            builder = DevProxy.builder().strictStubbing(annotation != null && annotation.strictStubbing());
            if (annotation != null && annotation.tls()) {
                builder.tlsPort(0);
            }
            if (annotation != null && annotation.intercept().length > 0) {
                builder.forwardProxy(true).forwardAllow(String.join(",", annotation.intercept()))
                        .intercept(annotation.intercept());
            }
        }
        synchronized (builder) {
            builder.port(0);
            TestDefaults.answerUnmatchedWithNotFound(builder);
            return builder.build();
        }
    }

    private static @Nullable DevProxyTest annotation(ExtensionContext context) {
        for (Class<?> type = context.getTestClass().orElse(null); type != null; type = type.getEnclosingClass()) {
            DevProxyTest found = AnnotationSupport.findAnnotation(type, DevProxyTest.class).orElse(null);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /**
     * A proxy in a store, started at its first use; JUnit closes it with its class or test. Both interfaces,
     * since Jupiter before 5.13 closes only {@code CloseableResource} values and 5.13 and later prefer
     * {@code AutoCloseable} (and close a value that is both once); closing again does nothing.
     */
    @SuppressWarnings("deprecation") // CloseableResource: deprecated in 5.13, still the only one 5.10 to 5.12 close
    private final class ProxyResource implements AutoCloseable, ExtensionContext.Store.CloseableResource {
        final String owner;
        final boolean perClass;
        final @Nullable DevProxyTest annotation;
        final AtomicInteger testsRunning = new AtomicInteger();
        // Guarded by this.
        private @Nullable DevProxy proxy;
        private boolean closed;

        ProxyResource(String owner, boolean perClass, @Nullable DevProxyTest annotation) {
            this.owner = owner;
            this.perClass = perClass;
            this.annotation = annotation;
        }

        synchronized DevProxy proxy() {
            if (closed) {
                throw new IllegalStateException("the DevProxy of " + owner + " was closed with its "
                        + (perClass ? "class" : "test"));
            }
            if (proxy == null) {
                proxy = build(annotation).start();
            }
            return proxy;
        }

        @Override
        public void close() {
            DevProxy started;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                started = proxy;
            }
            running.remove(owner, this);
            if (started != null) {
                started.close();
            }
        }

        @Override
        public synchronized String toString() {
            return "DevProxy " + (proxy == null ? "not started yet" : "on " + proxy.baseUri())
                    + (perClass ? " for a class" : " for a test");
        }
    }

}
