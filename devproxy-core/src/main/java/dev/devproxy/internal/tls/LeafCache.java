package dev.devproxy.internal.tls;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The interception leaves, one per host, made on first use and kept: at most {@code capacity}, the oldest made
 * dropped first. A leaf is made on one background thread, never on an event loop: the answer is a future the
 * loop takes at once when it is done (a cached leaf costs a map lookup) and otherwise waits on
 * without blocking. A failed minting is forgotten, so the next CONNECT tries again. Thread-safe.
 */
public final class LeafCache {
    private final InterceptionCa ca;
    private final int capacity;
    private final ConcurrentHashMap<String, CompletableFuture<InterceptionCa.Leaf>> leaves = new ConcurrentHashMap<>();
    /** The hosts in the order their leaves were asked for: what eviction drops first. */
    private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
    /** Created on first use and ended by {@link #close()}; its thread dies after 10 s idle anyway. */
    private @Nullable ThreadPoolExecutor minting;
    private boolean closed;

    public LeafCache(InterceptionCa ca, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.ca = ca;
        this.capacity = capacity;
    }

    public InterceptionCa ca() {
        return ca;
    }

    /**
     * The leaf for {@code host} (compared without case): the cached one, or one being made on the minting
     * thread. The future completes on that thread; callers on a loop hand the rest back to it.
     */
    public CompletableFuture<InterceptionCa.Leaf> leafFor(String host) {
        String key = host.toLowerCase(Locale.ROOT);
        CompletableFuture<InterceptionCa.Leaf> cached = leaves.get(key); // no lock: the usual case
        if (cached != null) {
            return cached;
        }
        CompletableFuture<InterceptionCa.Leaf> made = new CompletableFuture<>();
        CompletableFuture<InterceptionCa.Leaf> raced = leaves.putIfAbsent(key, made);
        if (raced != null) {
            return raced; // another loop asked for the same host a moment before
        }
        order.add(key);
        while (leaves.size() > capacity) {
            String oldest = order.poll();
            if (oldest == null || oldest.equals(key)) {
                break;
            }
            leaves.remove(oldest);
        }
        // Started only once the future is in the map, not from a computeIfAbsent function: a failure may complete it
        // at once, and its removal would then be a recursive update of the map.
        try {
            executor().execute(() -> {
                try {
                    made.complete(ca.mint(key));
                } catch (RuntimeException e) {
                    made.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) { // rejected: the cache is closed
            made.completeExceptionally(e);
        }
        made.whenComplete((leaf, failure) -> {
            if (failure != null) {
                leaves.remove(key, made);
            }
        });
        return made;
    }

    /** Hosts with a leaf made or being made; for tests. */
    public int size() {
        return leaves.size();
    }

    private synchronized ThreadPoolExecutor executor() {
        if (closed) {
            throw new IllegalStateException("the proxy is closed");
        }
        ThreadPoolExecutor executor = minting;
        if (executor == null) {
            executor = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "devproxy-leaf-minting");
                thread.setDaemon(true);
                return thread;
            });
            executor.allowCoreThreadTimeOut(true);
            minting = executor;
        }
        return executor;
    }

    /**
     * Stops the minting thread. A leaf still being made is never finished: the connection waiting for it is
     * closed with the proxy, like every other.
     */
    public synchronized void close() {
        closed = true;
        ThreadPoolExecutor executor = minting;
        minting = null;
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
