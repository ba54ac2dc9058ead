package dev.devproxy.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Runs a {@link dev.devproxy.DevProxy} for the annotated test class: the common case of
 * {@link DevProxyExtension}, with the proxy handed to any {@code DevProxy} parameter of a test or lifecycle
 * method.
 *
 * <pre>{@code
 * @DevProxyTest
 * class UsersClientTest {
 *     @Test
 *     void readsUsers(DevProxy proxy) {
 *         proxy.stubFor(get("/api/users").willReturn(json(200, "[]")));
 *         assertEquals(List.of(), new UsersClient(proxy.baseUri()).users());
 *     }
 * }
 * }</pre>
 *
 * <p>The proxy listens on a free port of 127.0.0.1 and answers a request no stub matches with {@code 404},
 * whose body is the near-miss report (the closest stubs and what each missed); {@code /proxy/*} is still
 * forwarded to localhost:3001 and {@code /metrics} served. For an upstream, a router or
 * any other setting, register a {@link DevProxyExtension} built from a {@code DevProxy.Builder} instead.
 * Applies to {@code @Nested} classes too, which share the enclosing class's proxy.
 *
 * <p>Under JUnit's parallel execution, the tests of a class sharing one proxy run one at a time: on Jupiter
 * 5.12 and later the annotation locks its class (a {@link ResourceLock} whose key is the class name, so other
 * classes still run in parallel); before 5.12, such a class fails before its first test, saying to add
 * {@code @Execution(ExecutionMode.SAME_THREAD)}. With {@code proxyPerTest = true} tests run concurrently.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(DevProxyExtension.class)
// The READ lock on a common key serialises nothing; it carries the provider, whose per-class READ_WRITE lock
// does. Jupiter before 5.12 has no providers and ignores the attribute; `value` is there because it has no
// default before 5.12.
@ResourceLock(value = "dev.devproxy.junit.DevProxyTest", mode = ResourceAccessMode.READ,
        providers = SharedProxyLock.class)
public @interface DevProxyTest {

    /**
     * Whether a request no stub matches (answered 404 with the closest stubs either way) also fails the
     * test after it ends, as does a stub the test registered and never used. Default false.
     *
     * @return whether stubbing is strict
     */
    boolean strictStubbing() default false;

    /**
     * Whether each test gets its own proxy (true) or the class shares one, reset between tests (false, the
     * default, and faster). Tests of one class run concurrently only with their own proxies.
     *
     * @return whether each test gets its own proxy
     */
    boolean proxyPerTest() default false;

    /**
     * Whether the proxy also opens an HTTPS listener on a free port, with a certificate made for
     * {@code localhost}; default false. A test then reaches it at {@code proxy.httpsBaseUri()} with a client
     * trusting {@code proxy.tlsTrust().sslContext()} (or {@code curl --cacert proxy.tlsTrust().certificateFile()}).
     *
     * @return whether the proxy listens for HTTPS too
     */
    boolean tls() default false;

    /**
     * The {@code CONNECT} destinations whose HTTPS the proxy intercepts ({@code host}, {@code *.domain} or
     * {@code host:port}); default none. Non-empty turns on forward-proxy mode with these destinations allowed, so
     * that a client configured with {@code ProxySelector.of(proxy.address())} and trusting
     * {@code proxy.interceptionTrust().sslContext()} has its HTTPS requests stubbed and journalled.
     *
     * @return the destinations to intercept
     */
    String[] intercept() default {};
}
