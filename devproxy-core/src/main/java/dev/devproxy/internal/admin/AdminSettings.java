package dev.devproxy.internal.admin;

import dev.devproxy.internal.stub.Json;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** How {@code GET /__admin/settings} writes a setting's value. */
public final class AdminSettings {
    private AdminSettings() {
    }

    /**
     * {@code value} as JSON: numbers and booleans as they are, durations in seconds, records (the upstream, the
     * limits) as objects of their components, anything else as its text; null as JSON null.
     */
    public static Object json(@Nullable Object value) {
        if (value == null) {
            return Json.NULL;
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof String) {
            return value;
        }
        if (value instanceof Duration duration) {
            return StubJson.plain(BigDecimal.valueOf(duration.toNanos()).movePointLeft(9));
        }
        if (value instanceof Record record) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (java.lang.reflect.RecordComponent component : record.getClass().getRecordComponents()) {
                try {
                    out.put(component.getName(), json(component.getAccessor().invoke(record)));
                } catch (ReflectiveOperationException e) {
                    out.put(component.getName(), String.valueOf(e));
                }
            }
            return out;
        }
        return value.toString();
    }
}
