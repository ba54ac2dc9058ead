package dev.devproxy.parser;

import java.util.Objects;
import java.util.Set;

/**
 * How a parser reads, in either direction: its {@link ParserLimits limits} and the {@link Leniency leniencies}
 * it tolerates. A proxy hands the same value to the {@link RequestParser} of a client connection and the
 * {@link ResponseParser} of an upstream one, so both sides of it hold to the same rules.
 *
 * <p>The head limits (start line, field line, field count, header section) and the chunk-line limit apply to
 * both directions alike. The body limits are one per direction: {@link ParserLimits#maxBodySize()} for a
 * request, {@link ParserLimits#maxResponseBodySize()} for a response, which by default is no limit, so a
 * response of any size streams through.
 *
 * @param limits the size limits to enforce
 * @param leniencies the deviations from RFC 9112 to tolerate; empty for none (the default). Copied.
 */
public record ParserConfig(ParserLimits limits, Set<Leniency> leniencies) {
    private static final ParserConfig DEFAULTS = new ParserConfig(ParserLimits.defaults(), Set.of());

    /**
     * Checks and copies the parts.
     *
     * @param limits the size limits to enforce
     * @param leniencies the deviations from RFC 9112 to tolerate; empty for none
     */
    public ParserConfig {
        Objects.requireNonNull(limits, "limits");
        leniencies = Set.copyOf(leniencies);
    }

    /**
     * The defaults: {@link ParserLimits#defaults()} and no leniency.
     *
     * @return the default config
     */
    public static ParserConfig defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a copy with {@code limits} replaced.
     *
     * @param limits the new limits
     * @return a copy with those limits
     */
    public ParserConfig withLimits(ParserLimits limits) {
        return new ParserConfig(limits, leniencies);
    }

    /**
     * Returns a copy with {@code leniencies} replaced.
     *
     * @param leniencies the deviations from RFC 9112 to tolerate; empty for none
     * @return a copy with those leniencies
     */
    public ParserConfig withLeniencies(Set<Leniency> leniencies) {
        return new ParserConfig(limits, leniencies);
    }

    /**
     * Whether {@code leniency} is on.
     *
     * @param leniency the leniency to look for
     * @return whether this config tolerates it
     */
    public boolean allows(Leniency leniency) {
        return leniencies.contains(leniency);
    }
}
