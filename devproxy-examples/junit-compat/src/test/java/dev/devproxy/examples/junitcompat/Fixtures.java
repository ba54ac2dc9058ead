package dev.devproxy.examples.junitcompat;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs fixture classes in a launcher of their own, so that a test can look at what the extension left behind
 * once JUnit has finished with them (the proxies it should have closed), or at how a class failed. Fixtures
 * are nested classes (Surefire skips those) that {@link Only} keeps from running anywhere else. Uses only
 * launcher API present in every supported version (Platform 1.10 on).
 */
final class Fixtures {
    private static final String MARKER = "devproxy.compat.fixtures";

    private Fixtures() {
    }

    /** How one test or container ended. */
    record Outcome(String name, TestExecutionResult.Status status, String message) {
        boolean passed() {
            return status == TestExecutionResult.Status.SUCCESSFUL;
        }
    }

    /** Runs {@code fixture} with {@code configuration} and returns each test's and container's outcome by name. */
    static Map<String, Outcome> run(Class<?> fixture, Map<String, String> configuration) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(fixture))
                .configurationParameter(MARKER, "true")
                .configurationParameters(configuration)
                .build();
        Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
        LauncherFactory.create().execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (test.getSource().isPresent() && !test.getDisplayName().startsWith("JUnit")) {
                    outcomes.put(test.getDisplayName(), new Outcome(test.getDisplayName(), result.getStatus(),
                            result.getThrowable().map(e -> String.valueOf(e.getMessage())).orElse("")));
                }
            }
        });
        return outcomes;
    }

    /** Parallel execution on four threads, every test concurrent unless it says otherwise. */
    static Map<String, String> concurrent() {
        return Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4");
    }

    /** The Jupiter version running, such as {@code 5.10.3}. */
    static String jupiterVersion() {
        return Optional.ofNullable(ExtensionContext.class.getPackage().getImplementationVersion()).orElse("unknown");
    }

    /** Whether this Jupiter has resource lock providers (5.12 and later), which {@code @DevProxyTest} uses. */
    static boolean hasResourceLocksProvider() {
        try {
            Class.forName("org.junit.jupiter.api.parallel.ResourceLocksProvider");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Disables a fixture unless {@link Fixtures} runs it. */
    static final class Only implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(MARKER).isPresent()
                    ? ConditionEvaluationResult.enabled("run by Fixtures")
                    : ConditionEvaluationResult.disabled("a fixture: runs only from Fixtures");
        }
    }
}
