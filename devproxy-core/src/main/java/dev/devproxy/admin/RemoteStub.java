package dev.devproxy.admin;

import dev.devproxy.stub.Stub;
import org.jspecify.annotations.Nullable;

/**
 * A stub registered with a remote DevProxy, as {@link DevProxyAdmin#stubs()} lists it.
 *
 * @param id its id there, for {@link DevProxyAdmin#removeStub(String)}
 * @param stub the stub read back from its JSON form; null when it was registered in the proxy's own JVM with a
 *     custom matcher, which has no JSON form
 * @param description its one-line description, such as {@code GET /api/users -> 200}
 * @param uses how many requests it has answered
 * @param usedUp whether its use limit is spent, so that it no longer matches
 */
public record RemoteStub(String id, @Nullable Stub stub, String description, int uses, boolean usedUp) {
}
