package dev.devproxy.internal.exchange;

import dev.devproxy.Config;
import dev.devproxy.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The next proxy DevProxy's own upstream traffic goes through, and the hosts that bypass it, read as curl reads
 * {@code http_proxy} and {@code NO_PROXY}: a {@code NO_PROXY} name matches that host and every host under it
 * (a leading dot changes nothing), {@code *} matches all, and names compare without case. Immutable.
 */
public final class UpstreamProxy {
    private final Upstream proxy;
    private final boolean bypassAll;
    private final List<String> bypassed;

    private UpstreamProxy(Upstream proxy, String noProxy) {
        this.proxy = proxy;
        List<String> names = new ArrayList<>();
        boolean all = false;
        for (String part : noProxy.split(",")) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            if (name.startsWith(".")) {
                name = name.substring(1);
            }
            if (name.startsWith("[") && name.endsWith("]")) {
                name = name.substring(1, name.length() - 1);
            }
            all |= name.equals("*");
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        this.bypassAll = all;
        this.bypassed = List.copyOf(names);
    }

    /** The next proxy {@code config} names, or null when it names none. */
    public static @Nullable UpstreamProxy of(Config config) {
        return config.upstreamProxy().isEmpty() ? null
                : new UpstreamProxy(Upstream.parse(config.upstreamProxy()), config.noProxy());
    }

    /** Where to connect for {@code upstream}: the next proxy, or null when the upstream is reached directly. */
    public @Nullable Upstream proxyFor(Upstream upstream) {
        if (bypassAll) {
            return null;
        }
        String host = upstream.host().toLowerCase(Locale.ROOT);
        for (String name : bypassed) {
            if (host.equals(name) || (host.endsWith(name) && host.charAt(host.length() - name.length() - 1) == '.')) {
                return null;
            }
        }
        return proxy;
    }
}
