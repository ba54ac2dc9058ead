package dev.devproxy.internal.exchange;

import dev.devproxy.internal.echo.EchoJson;
import dev.devproxy.internal.loop.EventLoop;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * What HTTP keeps per event loop, beside the loop rather than in it (the loop knows nothing of HTTP): the
 * {@code Date} cache, the scratch buffer heads are built in, and echo's writer. Forwarding keeps its own
 * ({@code ProxyLoopState}). Confined to the loop's thread, like everything on it.
 */
public final class HttpLoopState {
    public final EventLoop loop;
    public final HttpDate date = new HttpDate();
    /** Scratch space for building responses; valid only until the building method returns. */
    public final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
    /** Echo's JSON writer and body pool, made on the first echo: a proxy that never echoes never pays for it. */
    private @Nullable EchoJson echoJson;

    public HttpLoopState(EventLoop loop) {
        this.loop = loop;
    }

    /** This loop's echo writer. Loop thread only. */
    public EchoJson echoJson() {
        EchoJson json = echoJson;
        if (json == null) {
            json = new EchoJson();
            echoJson = json;
        }
        return json;
    }

    /**
     * Whether {@code buffer} is scratch space of this loop ({@link #scratch}, echo's output) that the next
     * response overwrites, so that a write that cannot finish now must copy it.
     */
    public boolean isScratch(ByteBuffer buffer) {
        EchoJson json = echoJson;
        return buffer == scratch || (json != null && json.isOutput(buffer));
    }
}
