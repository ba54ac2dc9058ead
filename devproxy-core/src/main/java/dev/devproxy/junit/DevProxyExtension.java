package dev.devproxy.junit;

import dev.devproxy.DevProxy;
import dev.devproxy.stub.RegisteredStub;
import dev.devproxy.stub.RequestJournal;
import dev.devproxy.stub.RequestMatcher;
import dev.devproxy.stub.Stub;
import dev.devproxy.stub.Stubs;
import dev.devproxy.stub.UnmatchedRequest;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs a {@link DevProxy} for JUnit Jupiter tests: started on a free port before the tests, with stubs and
 * journal reset between tests, and closed after them.
 *
 * <pre>{@code
 * class UsersClientTest {
 *     @RegisterExtension
 *     static final DevProxyExtension devProxy = new DevProxyExtension(DevProxy.builder().upstream(upstream));
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
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>In a {@code static} field, or through {@link DevProxyTest @DevProxyTest}: one proxy per test class,
 *       shared by its {@code @Nested} classes. Stubs registered before the first test (in {@code @BeforeAll})
 *       stay for every test, their use counts restarted; stubs registered during a test, {@code @BeforeEach}
 *       included, are removed after it; the journal is cleared before each test. Its tests must not run
 *       concurrently with each other (that fails with a message saying so).</li>
 *   <li>In an instance field, or with {@code @DevProxyTest(proxyPerTest = true)}: one proxy per test, started
 *       before {@code @BeforeEach} methods and closed after {@code @AfterEach} methods.</li>
 * </ul>
 * The port is the one the proxy bound (port 0), so parallel tests never collide. With strict stubbing
 * ({@code DevProxy.builder().strictStubbing(true)}), a test fails after it ends when a request matched no stub
 * or a stub it registered was never used; the message says which and why.
 *
 * <h2>State</h2>
 * There is no static state: each proxy lives in the {@link ExtensionContext.Store} of its class or test, in a
 * namespace of its own extension instance, and is closed by JUnit with it (values there are
 * {@link AutoCloseable}, which Jupiter 5.13 and later close). So two extensions in one class, or two classes
 * running in parallel, never see each other's stubs or requests. Works with Jupiter 5.14 and 6.
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

    /** The builder given, or null to configure from {@link DevProxyTest} (or defaults). Guarded by itself. */
    private final DevProxy.@Nullable Builder builder;
    /** The proxies this extension runs now, by the unique id of the class or test that owns each. */
    private final Map<String, DevProxy> running = new ConcurrentHashMap<>();

    /**
     * An extension whose proxies have every default, or the settings of a {@link DevProxyTest} annotation on
     * the test class; this is the constructor {@code @DevProxyTest} uses.
     */
    public DevProxyExtension() {
        this.builder = null;
    }

    /**
     * An extension whose proxies are built by {@code builder}, so that every setting of {@link DevProxy}
     * is available without a constructor per setting. The extension sets the builder's port to 0, binding a
     * free port. The builder is checked now (a bad setting fails where the field is declared) and should not
     * be changed afterwards.
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
        this.builder = builder;
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
        Set<DevProxy> proxies = Collections.newSetFromMap(new IdentityHashMap<>());
        proxies.addAll(running.values());
        if (proxies.size() == 1) {
            return proxies.iterator().next();
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

    // ---- Callbacks ------------------------------------------------------------------------------------------

    @Override
    public void beforeAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(namespace());
        ProxyResource enclosing = store.get(PROXY, ProxyResource.class); // also looks in enclosing classes
        if (enclosing != null) {
            // A @Nested class shares its enclosing class's proxy; what it stubs in @BeforeAll goes with it.
            store.put(SCOPE, new StubScope(enclosing, "the @Nested class " + context.getDisplayName()));
            return;
        }
        DevProxyTest annotation = annotation(context);
        if (builder == null && annotation != null && annotation.proxyPerTest()) {
            return;
        }
        store.put(PROXY, start(context, true));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(namespace());
        ProxyResource shared = store.get(PROXY, ProxyResource.class);
        ProxyResource resource;
        if (shared != null) {
            if (shared.testsRunning.incrementAndGet() > 1) {
                shared.testsRunning.decrementAndGet();
                throw new ExtensionConfigurationException(context.getRequiredTestClass().getName()
                        + " runs tests concurrently that share one DevProxy (a static field, or @DevProxyTest),"
                        + " so resetting stubs and journal between tests would break the other test. Give each"
                        + " test its own proxy: make the DevProxyExtension field non-static, or use"
                        + " @DevProxyTest(proxyPerTest = true)");
            }
            resource = shared;
        } else {
            resource = start(context, false);
            store.put(PROXY, resource);
        }
        resource.proxy.stubs().clearUnmatched();
        resource.proxy.journal().clear();
        store.put(SCOPE, new TestScope(resource, shared != null));
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
        Registrations registrations = registrations(context);
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
        Registrations registrations = registrations(context);
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
        return resource.proxy;
    }

    // ---- Implementation -------------------------------------------------------------------------------------

    private ExtensionContext.Namespace namespace() {
        // Per extension instance: two extensions in one class keep separate proxies.
        return ExtensionContext.Namespace.create(DevProxyExtension.class, this);
    }

    private ProxyResource start(ExtensionContext context, boolean perClass) {
        DevProxy proxy;
        if (builder != null) {
            synchronized (builder) {
                proxy = builder.build();
            }
        } else {
            DevProxyTest annotation = annotation(context);
            proxy = DevProxy.builder().port(0)
                    .strictStubbing(annotation != null && annotation.strictStubbing())
                    .build();
        }
        proxy.start();
        String owner = context.getUniqueId();
        running.put(owner, proxy);
        return new ProxyResource(proxy, owner, perClass);
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

    /** A running proxy in a store; JUnit closes it with its class or test. */
    private final class ProxyResource implements AutoCloseable {
        final DevProxy proxy;
        final String owner;
        final boolean perClass;
        final AtomicInteger testsRunning = new AtomicInteger();

        ProxyResource(DevProxy proxy, String owner, boolean perClass) {
            this.proxy = proxy;
            this.owner = owner;
            this.perClass = perClass;
        }

        @Override
        public void close() {
            running.remove(owner);
            proxy.close();
        }

        @Override
        public String toString() {
            return "DevProxy on " + proxy.baseUri() + (perClass ? " for a class" : " for a test");
        }
    }

    /**
     * The stubs present when a scope began (a test, or a {@code @Nested} class sharing a proxy); at its end,
     * those registered since are removed and the rest restart their counts.
     */
    private static class StubScope implements AutoCloseable {
        final ProxyResource resource;
        final String what;
        final Set<RegisteredStub> before = Collections.newSetFromMap(new IdentityHashMap<>());

        StubScope(ProxyResource resource, String what) {
            this.resource = resource;
            this.what = what;
            before.addAll(resource.proxy.stubs().list());
        }

        /** The stubs registered since the scope began. */
        List<RegisteredStub> added() {
            List<RegisteredStub> added = new ArrayList<>();
            for (RegisteredStub stub : resource.proxy.stubs().list()) {
                if (!before.contains(stub)) {
                    added.add(stub);
                }
            }
            return added;
        }

        @Override
        public void close() {
            for (RegisteredStub stub : added()) {
                stub.remove();
            }
            for (RegisteredStub stub : before) {
                stub.resetUses();
            }
        }

        @Override
        public String toString() {
            return "stubs of " + what;
        }
    }

    /** One test's use of a proxy: checks strict stubbing at its end, then resets what the test changed. */
    private static final class TestScope extends StubScope {
        private final boolean shared;

        TestScope(ProxyResource resource, boolean shared) {
            super(resource, "a test");
            this.shared = shared;
        }

        void finish() {
            try {
                check();
            } finally {
                if (shared) {
                    close();
                    resource.testsRunning.decrementAndGet();
                }
            }
        }

        private void check() {
            DevProxy proxy = resource.proxy;
            if (!proxy.strictStubbing()) {
                return;
            }
            List<UnmatchedRequest> unmatched = proxy.stubs().unmatchedRequests();
            List<RegisteredStub> unused = new ArrayList<>();
            for (RegisteredStub stub : added()) {
                if (stub.uses() == 0) {
                    unused.add(stub);
                }
            }
            if (unmatched.isEmpty() && unused.isEmpty()) {
                return;
            }
            StringBuilder message = new StringBuilder("Strict stubbing: ");
            if (!unmatched.isEmpty()) {
                message.append(unmatched.size() == 1 ? "1 request matched no stub" : unmatched.size()
                        + " requests matched no stub").append(" and was answered 404:");
                for (UnmatchedRequest request : unmatched) {
                    message.append("\n").append(indent(request.report()));
                }
                if (!unused.isEmpty()) {
                    message.append("\nAlso, ");
                }
            }
            if (!unused.isEmpty()) {
                message.append(unused.size() == 1 ? "1 stub this test registered was" : unused.size()
                        + " stubs this test registered were").append(" never used:");
                for (RegisteredStub stub : unused) {
                    message.append("\n  - ").append(stub.stub().describe());
                    if (!stub.registeredAt().isEmpty()) {
                        message.append("  (registered at ").append(stub.registeredAt()).append(')');
                    }
                }
            }
            throw new AssertionError(message.toString());
        }

        private static String indent(String text) {
            return "  " + text.replace("\n", "\n  ");
        }
    }

    /** The DevProxy extensions a test class registers: its fields, and {@link DevProxyTest} if present. */
    private record Registrations(List<Field> fields, List<DevProxyExtension> values, boolean annotated,
            DevProxyExtension self) {
        int count() {
            return values.size() + (annotated && !values.contains(self) ? 1 : 0);
        }

        /** The one that answers for all: the annotation's, else the first field's. */
        @Nullable DevProxyExtension leader() {
            if (annotated) {
                return values.contains(self) ? null : self;
            }
            return values.isEmpty() ? null : values.get(0);
        }

        String describe() {
            List<String> names = new ArrayList<>();
            if (annotated) {
                names.add("@DevProxyTest");
            }
            for (Field field : fields) {
                names.add("field " + field.getName());
            }
            return String.join(", ", names);
        }

        String example() {
            return fields.isEmpty() ? "a field's proxy()" : fields.get(0).getName() + ".proxy()";
        }
    }

    private Registrations registrations(ExtensionContext context) {
        List<Field> fields = new ArrayList<>();
        List<DevProxyExtension> values = new ArrayList<>();
        List<Object> instances = context.getTestInstances().map(i -> i.getAllInstances()).orElse(List.of());
        Class<?> testClass = context.getTestClass().orElse(null);
        boolean annotated = false;
        for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
            annotated |= AnnotationSupport.isAnnotated(type, DevProxyTest.class);
            for (Class<?> level = type; level != null && level != Object.class; level = level.getSuperclass()) {
                for (Field field : level.getDeclaredFields()) {
                    if (!DevProxyExtension.class.isAssignableFrom(field.getType())
                            || !field.isAnnotationPresent(RegisterExtension.class)) {
                        continue;
                    }
                    Object value = fieldValue(field, instances);
                    if (value instanceof DevProxyExtension extension && !values.contains(extension)) {
                        fields.add(field);
                        values.add(extension);
                    }
                }
            }
        }
        return new Registrations(fields, values, annotated, this);
    }

    private static @Nullable Object fieldValue(Field field, List<Object> instances) {
        try {
            field.setAccessible(true);
            if (Modifier.isStatic(field.getModifiers())) {
                return field.get(null);
            }
            for (Object instance : instances) {
                if (field.getDeclaringClass().isInstance(instance)) {
                    return field.get(instance);
                }
            }
            return null; // an instance field before any instance exists: not registered yet
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
