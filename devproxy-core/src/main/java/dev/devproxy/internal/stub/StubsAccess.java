package dev.devproxy.internal.stub;

import dev.devproxy.stub.RegisteredStub;
import dev.devproxy.stub.Stub;
import dev.devproxy.stub.Stubs;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the admin API needs of {@link Stubs} beyond its public API: registering a stub with a source of its
 * own ({@code admin API, from 127.0.0.1:40880}) where {@code add} would name the caller's frame, which for the
 * admin API is the engine's. {@link Stubs} registers the way in when its class initialises, so any instance
 * passed here has.
 */
public final class StubsAccess {
    /** Registers a stub with a given source. */
    public interface Registrar {
        /** {@code stubs.add(stub)}, with {@code registeredAt} as where it was registered. */
        RegisteredStub add(Stubs stubs, Stub stub, String registeredAt);
    }

    private static volatile @Nullable Registrar registrar;

    private StubsAccess() {
    }

    /** Called once, by {@link Stubs}' static initialiser. */
    public static void register(Registrar way) {
        registrar = Objects.requireNonNull(way, "way");
    }

    /** Registers {@code stub} with {@code stubs}, saying it was registered at {@code registeredAt}. */
    public static RegisteredStub add(Stubs stubs, Stub stub, String registeredAt) {
        Registrar way = registrar;
        if (way == null) {
            throw new IllegalStateException("Stubs did not register its way in");
        }
        return way.add(stubs, stub, registeredAt);
    }
}
