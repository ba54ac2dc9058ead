package dev.devproxy.internal.server;

import dev.devproxy.internal.exchange.HttpLoopState;
import dev.devproxy.internal.loop.EventLoop;
import dev.devproxy.internal.proxy.ProxyLoopState;

/** One event loop of a server with what each layer above keeps per loop. Immutable; the parts are loop-confined. */
final class ServerLoop {
    final EventLoop loop;
    final HttpLoopState http;
    final ProxyLoopState proxy;

    ServerLoop(EventLoop loop, HttpLoopState http, ProxyLoopState proxy) {
        this.loop = loop;
        this.http = http;
        this.proxy = proxy;
    }
}
