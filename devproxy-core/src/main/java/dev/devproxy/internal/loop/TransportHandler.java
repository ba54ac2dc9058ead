package dev.devproxy.internal.loop;

import java.io.IOException;

/** What a {@link Transport} reports to: the connection sitting on it. Called on the loop's thread. */
public interface TransportHandler {
    /**
     * The transport can now deliver input ({@code readable}) or take output ({@code writable}), of what the
     * handler asked for with {@link Transport#interest}. Must not throw for I/O failures: close instead.
     */
    void onReady(boolean readable, boolean writable);

    /** An outbound transport finished connecting. */
    void onConnected();

    /** An outbound transport could not connect; it is still open until the handler closes it. */
    void onConnectFailed(IOException failure);

    /** Closes for good, because the loop is shutting down or a handler failed unexpectedly. */
    void forceClose();
}
