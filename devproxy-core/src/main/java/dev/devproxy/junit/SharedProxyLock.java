package dev.devproxy.junit;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.parallel.ResourceLocksProvider;

/**
 * The resource lock {@link DevProxyTest} puts on its class (Jupiter 5.12 and later): one lock per class, held
 * for the whole class, so that JUnit runs the tests sharing its proxy one at a time while other classes still
 * run in parallel. A class with {@code proxyPerTest = true} gets none: its tests each have a proxy.
 *
 * <p>Public only because JUnit instantiates it; not part of the API.
 */
public final class SharedProxyLock implements ResourceLocksProvider {
    /** The prefix of every key, followed by the class name. */
    static final String KEY_PREFIX = "dev.devproxy.junit.DevProxyTest:";

    /** Made by JUnit. */
    public SharedProxyLock() {
    }

    @Override
    public Set<Lock> provideForClass(Class<?> testClass) {
        return lockFor(testClass);
    }

    @Override
    public Set<Lock> provideForNestedClass(List<Class<?>> enclosingInstanceTypes, Class<?> testClass) {
        // A @Nested class shares its enclosing class's proxy and lock; it has one of its own only when it is
        // the outermost class annotated (then it also has a proxy of its own).
        for (Class<?> type = testClass.getEnclosingClass(); type != null; type = type.getEnclosingClass()) {
            if (type.isAnnotationPresent(DevProxyTest.class)) {
                return Set.of();
            }
        }
        return lockFor(testClass);
    }

    @Override
    public Set<Lock> provideForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
        return Set.of();
    }

    private static Set<Lock> lockFor(Class<?> testClass) {
        DevProxyTest annotation = testClass.getAnnotation(DevProxyTest.class);
        if (annotation == null || annotation.proxyPerTest()) {
            return Set.of();
        }
        return Set.of(new Lock(KEY_PREFIX + testClass.getName()));
    }
}
