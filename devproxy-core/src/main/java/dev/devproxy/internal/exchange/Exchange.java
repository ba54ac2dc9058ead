package dev.devproxy.internal.exchange;

import java.nio.ByteBuffer;

/**
 * What handles one request after its head: it takes the body as it streams in and produces the response
 * through its {@link ExchangeConnection}. Called on the connection's loop thread only.
 */
public interface Exchange {
    /** Called once the connection has installed this exchange, before any body; may answer at once. */
    default void start() {
    }

    /**
     * Takes body bytes {@code [offset, offset + length)} of {@code buffer}, which the connection owns.
     *
     * @return true when done with those bytes; false to keep them in place (for example until an upstream can
     *     take them), in which case the connection reads nothing more until {@link ExchangeConnection#resumeReading()}
     */
    boolean onRequestBody(ByteBuffer buffer, int offset, int length);

    /** The request is complete; the exchange now sends, or goes on sending, the response. */
    void onRequestEnd();

    /**
     * The connection has handed over every request byte it holds for now: a parse pass has ended. An exchange
     * that held a write back, to join it with body bytes parsed in the same pass, writes it now.
     */
    default void onInputConsumed() {
    }

    /** Everything written to the client has been flushed; an exchange that paused a source may resume it. */
    default void onClientDrained() {
    }

    /** The connection is closing before the exchange finished: drop references to its buffers, close resources. */
    void abort();
}
