package dev.devproxy.internal.server;

import dev.devproxy.internal.exchange.HttpLoopState;
import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.proxy.ProxyLoopState;
import org.jspecify.annotations.Nullable;

/** One event loop of a server with what each layer above keeps per loop. Immutable; the parts are loop-confined. */
final class ServerLoop {
    final EventLoop loop;
    final HttpLoopState http;
    final ProxyLoopState proxy;
    /** HTTPS interception, shared by every loop of the server; null when no destination is intercepted. */
    final @Nullable Interception interception;

    ServerLoop(EventLoop loop, HttpLoopState http, ProxyLoopState proxy) {
        this(loop, http, proxy, null);
    }

    ServerLoop(EventLoop loop, HttpLoopState http, ProxyLoopState proxy, @Nullable Interception interception) {
        this.loop = loop;
        this.http = http;
        this.proxy = proxy;
        this.interception = interception;
    }
}
