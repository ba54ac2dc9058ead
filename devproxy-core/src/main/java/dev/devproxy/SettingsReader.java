package dev.devproxy;

import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Gathers settings from the environment and the command line (later ones win), then builds the
 * {@link Config} once, so a value out of range is reported with the variable or flag it came from.
 */
final class SettingsReader {
    private final Config.Builder builder = Config.builder();
    private final Map<Setting, String> origins = new EnumMap<>(Setting.class);

    /**
     * Sets {@code setting} to {@code value}.
     *
     * @param source the variable or flag it came from, for error messages
     * @throws IllegalArgumentException naming the source and value when the value is malformed
     */
    SettingsReader set(Setting setting, String value, String source) {
        setting.apply(builder, value, source);
        origins.put(setting, source + "='" + value + "'");
        return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException when a value is out of range, naming the variable or flag that set it
     */
    Config build() {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() == null ? "invalid settings" : e.getMessage();
            String field = message.split(" ", 2)[0];
            for (Map.Entry<Setting, String> origin : origins.entrySet()) {
                if (origin.getKey().field().equals(field)) {
                    throw new IllegalArgumentException(origin.getValue() + ": " + message, e);
                }
            }
            StringJoiner given = new StringJoiner(", ", " (given: ", ")");
            origins.values().forEach(given::add);
            throw new IllegalArgumentException(message + (origins.isEmpty() ? "" : given.toString()), e);
        }
    }
}
