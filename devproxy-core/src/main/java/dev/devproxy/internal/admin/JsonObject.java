package dev.devproxy.internal.admin;

import dev.devproxy.internal.stub.Json;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A parsed JSON object read field by field, each read checking the type and naming the field's path in the
 * error ({@code request.headers[0].name}); {@link #done()} then refuses any field no read asked for, so a
 * misspelt {@code "metod"} is a 400 rather than a stub that matches every method.
 */
final class JsonObject {
    private final Map<String, Object> members;
    private final String path;
    private final Set<String> read = new HashSet<>();

    private JsonObject(Map<String, Object> members, String path) {
        this.members = members;
        this.path = path;
    }

    /** {@code value} as an object at {@code path}, or a 400 saying what it was instead. */
    static JsonObject of(Object value, String path) {
        if (!(value instanceof Map<?, ?> map)) {
            throw AdminException.badField(path, "expected an object, was " + typeOf(value));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> members = (Map<String, Object>) map;
        return new JsonObject(members, path);
    }

    /** The path of member {@code name}. */
    String pathOf(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** The members' names, in order. */
    List<String> names() {
        return List.copyOf(members.keySet());
    }

    boolean has(String name) {
        return members.containsKey(name);
    }

    /** The member's raw value (any JSON), or null when absent. */
    @Nullable Object value(String name) {
        read.add(name);
        return members.get(name);
    }

    @Nullable String string(String name) {
        Object value = value(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw AdminException.badField(pathOf(name), "expected a string, was " + typeOf(value));
        }
        return text;
    }

    String requiredString(String name) {
        String value = string(name);
        if (value == null) {
            throw AdminException.badField(pathOf(name), "required");
        }
        return value;
    }

    /** A whole number from {@code min} to {@code max}, or null when absent. */
    @Nullable Long whole(String name, long min, long max) {
        Object value = value(name);
        return value == null ? null : whole(value, pathOf(name), min, max);
    }

    static long whole(Object value, String path, long min, long max) {
        if (!(value instanceof BigDecimal number)) {
            throw AdminException.badField(path, "expected a number, was " + typeOf(value));
        }
        long whole;
        try {
            whole = number.longValueExact();
        } catch (ArithmeticException e) {
            throw AdminException.badField(path, "expected a whole number, was " + number);
        }
        if (whole < min || whole > max) {
            throw AdminException.badField(path, "must be " + min + " to " + max + ", was " + whole);
        }
        return whole;
    }

    /** A non-negative number, fractions allowed, or null when absent. */
    @Nullable BigDecimal number(String name) {
        Object value = value(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof BigDecimal number)) {
            throw AdminException.badField(pathOf(name), "expected a number, was " + typeOf(value));
        }
        if (number.signum() < 0) {
            throw AdminException.badField(pathOf(name), "must not be negative, was " + number);
        }
        return number;
    }

    @Nullable Boolean bool(String name) {
        Object value = value(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Boolean flag)) {
            throw AdminException.badField(pathOf(name), "expected true or false, was " + typeOf(value));
        }
        return flag;
    }

    /** An array, or null when absent. */
    @Nullable List<Object> array(String name) {
        Object value = value(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            throw AdminException.badField(pathOf(name), "expected an array, was " + typeOf(value));
        }
        @SuppressWarnings("unchecked")
        List<Object> elements = (List<Object>) list;
        return elements;
    }

    @Nullable JsonObject object(String name) {
        Object value = value(name);
        return value == null ? null : of(value, pathOf(name));
    }

    /** Refuses the first member no read asked for. */
    void done() {
        for (String name : members.keySet()) {
            if (!read.contains(name)) {
                throw AdminException.badField(pathOf(name), "unknown field");
            }
        }
    }

    /** What a parsed value is, for messages: {@code a string}, {@code a number}, {@code null}... */
    static String typeOf(@Nullable Object value) {
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof BigDecimal) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof Map) {
            return "an object";
        }
        return value == Json.NULL || value == null ? "null" : "a " + value.getClass().getSimpleName();
    }
}
