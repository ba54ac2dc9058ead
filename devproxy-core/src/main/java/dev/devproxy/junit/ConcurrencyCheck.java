package dev.devproxy.junit;

import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * Whether the tests of a class that shares one proxy may run at the same time, worked out before its first
 * test from the class's annotations and JUnit's configuration, as Jupiter itself decides a test's execution
 * mode: the test method's {@code @Execution}, else its class's (or an enclosing class's), else
 * {@code SAME_THREAD} for a {@code PER_CLASS} or ordered class, else
 * {@code junit.jupiter.execution.parallel.mode.default}. A class-level {@code READ_WRITE} resource lock makes
 * JUnit run the class's tests one at a time whatever their mode.
 */
final class ConcurrencyCheck {
    private static final String PARALLEL_ENABLED = "junit.jupiter.execution.parallel.enabled";
    private static final String DEFAULT_MODE = "junit.jupiter.execution.parallel.mode.default";
    private static final String DEFAULT_ORDER = "junit.jupiter.testmethod.order.default";
    /** Present from Jupiter 5.12, which lets {@link DevProxyTest} lock its class through {@link SharedProxyLock}. */
    private static final String LOCKS_PROVIDER = "org.junit.jupiter.api.parallel.ResourceLocksProvider";

    private ConcurrencyCheck() {
    }

    /**
     * Fails a class whose tests would share its proxy concurrently, before any runs, naming the fix; a class
     * whose tests run one at a time (or that a lock serialises) passes.
     */
    static void refuseUnlockedConcurrentTests(ExtensionContext context) {
        Class<?> testClass = context.getTestClass().orElse(null);
        if (testClass == null || !testsMayRunConcurrently(context, testClass) || serialisedByLock(testClass)) {
            return;
        }
        throw new ExtensionConfigurationException(sharedProxyMessage(testClass,
                "is configured to run its tests concurrently"));
    }

    /** The message for a class whose tests would run at once on one proxy. */
    static String sharedProxyMessage(Class<?> testClass, String problem) {
        boolean annotated = annotated(testClass);
        String version = Optional.ofNullable(ExtensionContext.class.getPackage().getImplementationVersion())
                .orElse("this version");
        return testClass.getName() + " " + problem + " (junit.jupiter.execution.parallel), but its tests share one"
                + " DevProxy (" + (annotated ? "@DevProxyTest" : "a static DevProxyExtension field") + "), so one"
                + " test's stubs and journal reset would break another's"
                + (annotated ? "; @DevProxyTest serialises them only on JUnit Jupiter 5.12 and later, and this is "
                        + version : "")
                + ". Annotate " + testClass.getSimpleName() + " with @Execution(ExecutionMode.SAME_THREAD)"
                + " (org.junit.jupiter.api.parallel), or give each test its own proxy: "
                + (annotated ? "@DevProxyTest(proxyPerTest = true)" : "make the DevProxyExtension field non-static");
    }

    private static boolean testsMayRunConcurrently(ExtensionContext context, Class<?> testClass) {
        if (!context.getConfigurationParameter(PARALLEL_ENABLED).map(Boolean::parseBoolean).orElse(false)) {
            return false;
        }
        for (Method method : AnnotationSupport.findAnnotatedMethods(testClass, Execution.class,
                HierarchyTraversalMode.TOP_DOWN)) {
            if (method.getAnnotation(Execution.class).value() == ExecutionMode.CONCURRENT) {
                return true;
            }
        }
        for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
            Optional<Execution> explicit = AnnotationSupport.findAnnotation(type, Execution.class);
            if (explicit.isPresent()) {
                return explicit.get().value() == ExecutionMode.CONCURRENT;
            }
            if (type == testClass && (context.getTestInstanceLifecycle().orElse(null) == TestInstance.Lifecycle.PER_CLASS
                    || AnnotationSupport.isAnnotated(type, TestMethodOrder.class)
                    || context.getConfigurationParameter(DEFAULT_ORDER).isPresent())) {
                return false; // Jupiter runs the methods of such a class in the same thread
            }
        }
        return context.getConfigurationParameter(DEFAULT_MODE).map("concurrent"::equalsIgnoreCase).orElse(false);
    }

    private static boolean serialisedByLock(Class<?> testClass) {
        for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
            for (ResourceLock lock : AnnotationSupport.findRepeatableAnnotations(type, ResourceLock.class)) {
                if (lock.mode() == ResourceAccessMode.READ_WRITE) {
                    return true;
                }
            }
            Optional<DevProxyTest> annotation = AnnotationSupport.findAnnotation(type, DevProxyTest.class);
            if (annotation.isPresent() && !annotation.get().proxyPerTest() && locksProviderSupported()) {
                return true; // SharedProxyLock locks this class, and so every class nested in it
            }
        }
        return false;
    }

    private static boolean annotated(Class<?> testClass) {
        for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
            if (AnnotationSupport.isAnnotated(type, DevProxyTest.class)) {
                return true;
            }
        }
        return false;
    }

    private static boolean locksProviderSupported() {
        try {
            Class.forName(LOCKS_PROVIDER, false, ExtensionContext.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
