package dev.devproxy.internal.exchange;

import dev.devproxy.Config;
import dev.devproxy.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The next proxies DevProxy's own upstream traffic goes through, and the hosts that bypass them, read as curl reads
 * {@code http_proxy}, {@code HTTPS_PROXY} and {@code NO_PROXY}: plain-http upstreams go through the first (in
 * absolute-form), HTTPS upstreams through the second (with CONNECT), never one through the other's; a
 * {@code NO_PROXY} name matches that host and every host under it (a leading dot changes nothing), {@code *}
 * matches all, and names compare without case. Immutable.
 */
public final class UpstreamProxy {
    private final @Nullable Upstream proxy;
    private final @Nullable Upstream httpsProxy;
    private final boolean bypassAll;
    private final List<String> bypassed;

    private UpstreamProxy(@Nullable Upstream proxy, @Nullable Upstream httpsProxy, String noProxy) {
        this.proxy = proxy;
        this.httpsProxy = httpsProxy;
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

    /** The next proxies {@code config} names, or null when it names none. */
    public static @Nullable UpstreamProxy of(Config config) {
        if (config.upstreamProxy().isEmpty() && config.upstreamHttpsProxy().isEmpty()) {
            return null;
        }
        return new UpstreamProxy(config.upstreamProxy().isEmpty() ? null : Upstream.parse(config.upstreamProxy()),
                config.upstreamHttpsProxy().isEmpty() ? null : Upstream.parse(config.upstreamHttpsProxy()),
                config.noProxy());
    }

    /**
     * The next proxy for {@code upstream}: the HTTPS one for a TLS upstream, the plain one otherwise; null when
     * the upstream is reached directly.
     */
    public @Nullable Upstream proxyFor(Upstream upstream) {
        Upstream next = upstream.tls() ? httpsProxy : proxy;
        if (next == null || bypassAll) {
            return null;
        }
        String host = upstream.host().toLowerCase(Locale.ROOT);
        for (String name : bypassed) {
            if (host.equals(name) || (host.endsWith(name) && host.charAt(host.length() - name.length() - 1) == '.')) {
                return null;
            }
        }
        return next;
    }
}
