package dev.devproxy.junit;

import dev.devproxy.DevProxy;
import dev.devproxy.stub.RegisteredStub;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The stubs present when a scope began (a test, or a {@code @Nested} class sharing a proxy); at its end, those
 * registered since are removed and the rest restart their counts. A value in JUnit's store that closes itself
 * on every supported Jupiter version: {@code CloseableResource} for 5.10 to 5.12, which close nothing else,
 * and {@link AutoCloseable} for 5.13 on; closing again does nothing.
 */
@SuppressWarnings("deprecation") // CloseableResource: deprecated in 5.13, still the only one 5.10 to 5.12 close
class StubScope implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    final DevProxy proxy;
    private final String what;
    private final Set<RegisteredStub> before = Collections.newSetFromMap(new IdentityHashMap<>());
    private final AtomicInteger closes = new AtomicInteger();

    StubScope(DevProxy proxy, String what) {
        this.proxy = proxy;
        this.what = what;
        before.addAll(proxy.stubs().list());
    }

    /** The stubs registered since the scope began. */
    final List<RegisteredStub> added() {
        List<RegisteredStub> added = new ArrayList<>();
        for (RegisteredStub stub : proxy.stubs().list()) {
            if (!before.contains(stub)) {
                added.add(stub);
            }
        }
        return added;
    }

    @Override
    public final void close() {
        if (closes.getAndIncrement() > 0) {
            return;
        }
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
