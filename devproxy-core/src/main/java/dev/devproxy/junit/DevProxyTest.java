package dev.devproxy.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

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
 * <p>The proxy listens on a free port of 127.0.0.1 and, for requests no stub matches, keeps the standard
 * routing (echo, and {@code /proxy/*} to localhost:3001). For another upstream or any other setting, register
 * a {@link DevProxyExtension} built from a {@code DevProxy.Builder} instead. Applies to {@code @Nested}
 * classes too, which share the enclosing class's proxy.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(DevProxyExtension.class)
public @interface DevProxyTest {

    /**
     * Whether a request no stub matches gets a 404 listing the closest stubs, and fails the test after it
     * ends, as does a stub the test registered and never used. Default false: such requests go on to the
     * standard routing.
     *
     * @return whether stubbing is strict
     */
    boolean strictStubbing() default false;

    /**
     * Whether each test gets its own proxy (true) or the class shares one, reset between tests (false, the
     * default, and faster). Tests running concurrently in one class need their own.
     *
     * @return whether each test gets its own proxy
     */
    boolean proxyPerTest() default false;
}
