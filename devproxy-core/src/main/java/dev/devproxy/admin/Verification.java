package dev.devproxy.admin;

import org.jspecify.annotations.Nullable;

/**
 * What {@link DevProxyAdmin#verify} found: how many journal entries matched, and the near-miss report when that
 * is not what was expected.
 *
 * @param matched the entries the pattern matched
 * @param ok whether {@code matched} is what was expected
 * @param expected what was expected, such as {@code exactly 2 requests}
 * @param report when not {@code ok}, every request received with the conditions it missed; else null
 */
public record Verification(int matched, boolean ok, String expected, @Nullable String report) {

    /**
     * Fails unless the count was as expected, as {@code DevProxy.verify} does in one JVM.
     *
     * @throws AssertionError with the near-miss report when not {@link #ok()}
     */
    public void assertOk() {
        if (!ok) {
            throw new AssertionError(report != null ? report : "expected " + expected + ", but matched " + matched);
        }
    }
}
