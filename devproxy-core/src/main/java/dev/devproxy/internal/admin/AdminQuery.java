package dev.devproxy.internal.admin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An admin request's query parameters, decoded, each read at most once; {@link #done()} refuses one no read
 * asked for, and a parameter given twice is refused at once, so a typo or a doubled filter is a 400.
 */
final class AdminQuery {
    private final Map<String, String> parameters;
    private final Set<String> read = new HashSet<>();

    private AdminQuery(Map<String, String> parameters) {
        this.parameters = parameters;
    }

    static AdminQuery parse(@Nullable String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals), "query");
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1), name);
                if (parameters.put(name, value) != null) {
                    throw AdminException.badField(name, "query parameter given twice");
                }
            }
        }
        return new AdminQuery(parameters);
    }

    @Nullable String get(String name) {
        read.add(name);
        return parameters.get(name);
    }

    void done() {
        for (String name : parameters.keySet()) {
            if (!read.contains(name)) {
                throw AdminException.badField(name, "unknown query parameter");
            }
        }
    }

    private static String decode(String text, String field) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw AdminException.badField(field, "bad percent-encoding: " + e.getMessage());
        }
    }
}
