package dev.devproxy.internal.loop;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Resolves upstream host names without blocking an event loop: IP literals and cached names answer at once,
 * other names are looked up on one background thread and the answer is handed back on the asking loop.
 * Answers are cached for {@value #TTL_SECONDS} seconds; failures are not cached.
 */
public final class Resolver {
    private static final long TTL_SECONDS = 30;

    private record Entry(InetAddress address, long expiresNanos) {
    }

    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();
    /** Created on first use and ended by {@link #close()}; the thread dies after 10 s idle anyway. */
    private @Nullable ThreadPoolExecutor lookups;

    /**
     * Calls {@code done} on {@code loop}'s thread with the address, or with null when {@code host} cannot be
     * resolved. Called on {@code loop}'s thread; may call {@code done} before returning.
     */
    public void resolve(String host, EventLoop loop, Consumer<@Nullable InetAddress> done) {
        Entry cached = cache.get(host);
        if (cached != null && System.nanoTime() - cached.expiresNanos < 0) {
            done.accept(cached.address);
            return;
        }
        if (isLiteral(host)) {
            done.accept(lookUp(host)); // a literal is parsed, not looked up
            return;
        }
        executor().execute(() -> {
            InetAddress address = lookUp(host);
            if (address != null) {
                cache.put(host, new Entry(address, System.nanoTime() + TimeUnit.SECONDS.toNanos(TTL_SECONDS)));
            }
            loop.execute(() -> done.accept(address));
        });
    }

    private synchronized ExecutorService executor() {
        if (lookups == null) {
            ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), runnable -> {
                        Thread thread = new Thread(runnable, "devproxy-resolver");
                        thread.setDaemon(true);
                        return thread;
                    });
            executor.allowCoreThreadTimeOut(true);
            lookups = executor;
        }
        return lookups;
    }

    public synchronized void close() {
        if (lookups != null) {
            lookups.shutdownNow();
            lookups = null;
        }
    }

    private static @Nullable InetAddress lookUp(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    /** An IPv4 dotted quad or an IPv6 literal: {@link InetAddress#getByName} parses these without DNS. */
    public static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return !host.isEmpty();
    }
}
