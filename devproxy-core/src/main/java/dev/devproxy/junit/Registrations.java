package dev.devproxy.junit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The DevProxy extensions a test class registers: its fields, and {@link DevProxyTest} if present; so that a
 * {@code DevProxy} parameter is resolved by one of them, or refused as ambiguous.
 */
record Registrations(List<Field> fields, List<DevProxyExtension> values, boolean annotated, DevProxyExtension self) {

    /** The registrations seen from {@code self}, an extension asked to resolve a parameter in {@code context}. */
    static Registrations of(ExtensionContext context, DevProxyExtension self) {
        List<Field> fields = new ArrayList<>();
        List<DevProxyExtension> values = new ArrayList<>();
        List<Object> instances = context.getTestInstances().map(i -> i.getAllInstances()).orElse(List.of());
        Class<?> testClass = context.getTestClass().orElse(null);
        boolean annotated = false;
        for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
            annotated |= AnnotationSupport.isAnnotated(type, DevProxyTest.class);
            for (Class<?> level = type; level != null && level != Object.class; level = level.getSuperclass()) {
                for (Field field : level.getDeclaredFields()) {
                    if (!DevProxyExtension.class.isAssignableFrom(field.getType())
                            || !field.isAnnotationPresent(RegisterExtension.class)) {
                        continue;
                    }
                    Object value = fieldValue(field, instances);
                    if (value instanceof DevProxyExtension extension && !values.contains(extension)) {
                        fields.add(field);
                        values.add(extension);
                    }
                }
            }
        }
        return new Registrations(fields, values, annotated, self);
    }

    int count() {
        return values.size() + (annotated && !values.contains(self) ? 1 : 0);
    }

    /** The one that answers for all: the annotation's, else the first field's. */
    @Nullable DevProxyExtension leader() {
        if (annotated) {
            return values.contains(self) ? null : self;
        }
        return values.isEmpty() ? null : values.get(0);
    }

    String describe() {
        List<String> names = new ArrayList<>();
        if (annotated) {
            names.add("@DevProxyTest");
        }
        for (Field field : fields) {
            names.add("field " + field.getName());
        }
        return String.join(", ", names);
    }

    String example() {
        return fields.isEmpty() ? "a field's proxy()" : fields.get(0).getName() + ".proxy()";
    }

    private static @Nullable Object fieldValue(Field field, List<Object> instances) {
        try {
            field.setAccessible(true);
            if (Modifier.isStatic(field.getModifiers())) {
                return field.get(null);
            }
            for (Object instance : instances) {
                if (field.getDeclaringClass().isInstance(instance)) {
                    return field.get(instance);
                }
            }
            return null; // an instance field before any instance exists: not registered yet
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
