package dev.devproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Lookups in a recorded head's field list, shared by {@link RecordedRequest} and {@link RecordedResponse}. */
final class FieldLists {
    private FieldLists() {
    }

    /** The value of the first field named {@code name} (any case), or null. */
    static @Nullable String first(List<Map.Entry<String, String>> fields, String name) {
        for (Map.Entry<String, String> field : fields) {
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue();
            }
        }
        return null;
    }

    /** The values of every field named {@code name} (any case), in order. */
    static List<String> all(List<Map.Entry<String, String>> fields, String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> field : fields) {
            if (field.getKey().equalsIgnoreCase(name)) {
                values.add(field.getValue());
            }
        }
        return values;
    }
}
