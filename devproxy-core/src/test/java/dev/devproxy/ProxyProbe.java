package dev.devproxy;

/** The engine's package-private counters, for the proxy-mode tests in {@code dev.devproxy.proxy}. */
public final class ProxyProbe {
    private ProxyProbe() {
    }

    /** Pool buffers acquired and not released, over every event loop of {@code proxy}. */
    public static int pooledBuffersInUse(DevProxy proxy) {
        return proxy.server().pooledBuffersInUse();
    }
}
