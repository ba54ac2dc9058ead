package dev.devproxy.internal.loop;

import java.nio.channels.SelectionKey;

/** What an event loop calls when a channel it watches is ready; attached to that channel's selection key. */
public interface IoHandler {
    /** Handles the ready operations of {@code key}. Must not throw for I/O failures: close instead. */
    void onReady(SelectionKey key);

    /** Closes the channel for good, because the loop is shutting down. */
    void forceClose();
}
