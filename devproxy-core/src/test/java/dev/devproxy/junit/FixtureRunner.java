package dev.devproxy.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs fixture test classes in a launcher of their own and reports how each test ended, so that tests can
 * check what the extension does to a test: fail it with a message, or let it pass. Fixtures are nested
 * classes (Surefire skips those) marked {@link Fixture}, which keeps them from running anywhere else.
 */
final class FixtureRunner {
    private static final String MARKER = "devproxy.fixtures";

    private FixtureRunner() {
    }

    /** How one test or container ended: its display name, status and failure message. */
    record Outcome(String name, TestExecutionResult.Status status, String message, Throwable failure) {
        boolean passed() {
            return status == TestExecutionResult.Status.SUCCESSFUL;
        }

        @Override
        public String toString() {
            return name + ": " + status + (message.isEmpty() ? "" : " - " + message);
        }
    }

    /** Runs {@code classes} one after another and returns each test's outcome, by display name. */
    static Map<String, Outcome> run(Class<?>... classes) {
        return run(Map.of(), classes);
    }

    /** Runs {@code classes} with extra configuration parameters, such as those for parallel execution. */
    static Map<String, Outcome> run(Map<String, String> configuration, Class<?>... classes) {
        List<ClassSelector> selectors = new ArrayList<>();
        for (Class<?> type : classes) {
            selectors.add(selectClass(type));
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                .configurationParameter(MARKER, "true")
                .configurationParameters(configuration)
                .build();
        Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (test.getSource().isEmpty() || test.getDisplayName().startsWith("JUnit")) {
                    return; // the engine itself
                }
                Throwable failure = result.getThrowable().orElse(null);
                outcomes.put(test.getDisplayName(), new Outcome(test.getDisplayName(), result.getStatus(),
                        failure == null ? "" : String.valueOf(failure.getMessage()), failure));
            }
        };
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, listener);
        return outcomes;
    }

    /** Parallel execution of classes and methods on two threads, for fixtures marked concurrent. */
    static Map<String, String> parallel() {
        return Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4");
    }

    /** Disables a fixture unless {@link FixtureRunner} runs it. */
    static final class Fixture implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<String> marker = context.getConfigurationParameter(MARKER);
            return marker.isPresent() ? ConditionEvaluationResult.enabled("run by FixtureRunner")
                    : ConditionEvaluationResult.disabled("a fixture: runs only from FixtureRunner");
        }
    }
}
