package dev.devproxy.internal.stub;

import dev.devproxy.DevProxy;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The defaults the JUnit extension gives the proxies it builds, which are not public builder settings: a
 * request no stub matches that the standard routing would echo is answered 404 with the near-miss report
 * instead ({@code /proxy/*} is still forwarded and {@code /metrics} served), unless the builder has a router.
 * {@link DevProxy.Builder} registers the setter when its class initialises, so any builder passed here has.
 */
public final class TestDefaults {
    private static volatile @Nullable Consumer<DevProxy.Builder> notFoundSetter;

    private TestDefaults() {
    }

    /** Called once, by {@link DevProxy.Builder}'s static initialiser. */
    public static void register(Consumer<DevProxy.Builder> setter) {
        notFoundSetter = Objects.requireNonNull(setter, "setter");
    }

    /** Makes {@code builder} answer 404 with the near-miss report where it would echo, when it has no router. */
    public static void answerUnmatchedWithNotFound(DevProxy.Builder builder) {
        Consumer<DevProxy.Builder> setter = notFoundSetter;
        if (setter == null) {
            throw new IllegalStateException("DevProxy.Builder did not register its test defaults");
        }
        setter.accept(builder);
    }
}
