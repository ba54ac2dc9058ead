package dev.devproxy;

import static org.junit.jupiter.api.Assertions.fail;

import dev.devproxy.parser.RequestParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API of each module's exported packages, compared with the signature file committed beside the
 * module ({@code devproxy-core/api/dev.devproxy.core.api}, {@code devproxy-parser/api/dev.devproxy.parser.api}),
 * so that every change to what users compile against is deliberate and shows in review. After a deliberate
 * change, rewrite the files with {@code ./mvnw verify -Ddevproxy.api.update=true} and commit them; a removal or
 * rename goes through {@code @Deprecated} for one release first, as the CHANGELOG says.
 */
class ApiSignatureTest {
    private static final boolean UPDATE = Boolean.getBoolean("devproxy.api.update");

    @Test
    void coreApiMatchesItsSignatureFile() {
        check(location(DevProxy.class), "dev.devproxy.core", Path.of("api", "dev.devproxy.core.api"));
    }

    @Test
    void parserApiMatchesItsSignatureFile() {
        check(location(RequestParser.class), "dev.devproxy.parser",
                Path.of("..", "devproxy-parser", "api", "dev.devproxy.parser.api"));
    }

    private static void check(Path classes, String module, Path file) {
        List<String> actual = signature(classes, module);
        if (UPDATE) {
            write(file, actual);
            return;
        }
        List<String> expected = read(file);
        if (expected.equals(actual)) {
            return;
        }
        Set<String> added = new LinkedHashSet<>(qualified(actual));
        qualified(expected).forEach(added::remove);
        Set<String> removed = new LinkedHashSet<>(qualified(expected));
        qualified(actual).forEach(removed::remove);
        StringBuilder message = new StringBuilder("the public API of " + module + " differs from " + file + ":\n");
        removed.forEach(line -> message.append("- ").append(line).append('\n'));
        added.forEach(line -> message.append("+ ").append(line).append('\n'));
        message.append("If the change is deliberate, run ./mvnw -pl devproxy-core -am verify -Dtest=ApiSignatureTest -Dsurefire.failIfNoSpecifiedTests=false -Ddevproxy.api.update=true and commit ")
                .append(file).append(" (deprecate before removing; list it in CHANGELOG.md).");
        fail(message.toString());
    }

    /** Each member line with its type's line before it, so that a difference names the type it is in. */
    private static List<String> qualified(List<String> lines) {
        List<String> qualified = new ArrayList<>();
        String type = "";
        for (String line : lines) {
            if (line.startsWith("  ")) {
                qualified.add(type + " {" + line.strip() + "}");
            } else {
                type = line;
                qualified.add(line);
            }
        }
        return qualified;
    }

    /**
     * Each public type, by name, as a line of its own followed by the public and protected members it declares,
     * indented and sorted, with the type's name dropped from their text.
     */
    static List<String> signature(Path classes, String module) {
        ModuleDescriptor descriptor = ModuleFinder.of(classes).find(module).orElseThrow().descriptor();
        Set<String> exported = new TreeSet<>();
        descriptor.exports().forEach(export -> {
            if (!export.isQualified()) {
                exported.add(export.source());
            }
        });
        java.util.TreeMap<String, Class<?>> visible = new java.util.TreeMap<>();
        for (String packageName : exported) {
            for (Class<?> type : types(classes, packageName)) {
                if (isVisible(type)) {
                    visible.put(type.getName(), type);
                }
            }
        }
        List<String> lines = new ArrayList<>();
        for (Class<?> type : visible.values()) {
            lines.add(describe(type));
            TreeSet<String> members = new TreeSet<>();
            String qualifier = type.getName() + ".";
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                member(members, constructor, constructor.toGenericString(), qualifier);
            }
            for (Method method : type.getDeclaredMethods()) {
                if (!method.isSynthetic() && !method.isBridge()) {
                    member(members, method, method.toGenericString(), qualifier);
                }
            }
            for (Field field : type.getDeclaredFields()) {
                if (!field.isSynthetic()) {
                    member(members, field, field.toGenericString(), qualifier);
                }
            }
            members.forEach(member -> lines.add("  " + member));
        }
        return lines;
    }

    private static void member(Set<String> members, Member member, String text, String qualifier) {
        int modifiers = member.getModifiers();
        if (Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers)) {
            members.add(text.replace(" " + qualifier, " ")
                    + (((java.lang.reflect.AnnotatedElement) member).isAnnotationPresent(Deprecated.class) ? " @Deprecated" : ""));
        }
    }

    /** A type users can name: public, and nested only in public types. */
    private static boolean isVisible(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    /** Modifiers, kind and what it extends and implements; the annotations that are part of its contract. */
    private static String describe(Class<?> type) {
        StringBuilder text = new StringBuilder(type.toGenericString());
        if (type.getGenericSuperclass() != null && type.getSuperclass() != Object.class && !type.isEnum()
                && !type.isRecord()) {
            text.append(" extends ").append(type.getGenericSuperclass().getTypeName());
        }
        if (type.getGenericInterfaces().length > 0) {
            text.append(type.isInterface() ? " extends " : " implements ");
            text.append(String.join(", ", Stream.of(type.getGenericInterfaces()).map(t -> t.getTypeName()).toList()));
        }
        if (type.isSealed()) {
            text.append(" permits ").append(String.join(", ",
                    Stream.of(type.getPermittedSubclasses()).map(Class::getName).sorted().toList()));
        }
        if (type.isAnnotationPresent(Deprecated.class)) {
            text.append(" @Deprecated");
        }
        return text.toString();
    }

    /** The classes of {@code packageName} in a classes folder or a jar (the reactor hands a dependency as either). */
    private static List<Class<?>> types(Path classes, String packageName) {
        if (Files.isRegularFile(classes)) {
            try (java.nio.file.FileSystem jar = java.nio.file.FileSystems.newFileSystem(classes)) {
                return types(jar.getPath("/"), packageName);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path directory = classes.resolve(packageName.replace('.', '/'));
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                if (!fileName.endsWith(".class") || fileName.equals("package-info.class")) {
                    continue;
                }
                String binaryName = packageName + "." + fileName.substring(0, fileName.length() - ".class".length());
                types.add(Class.forName(binaryName, false, ApiSignatureTest.class.getClassLoader()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return types;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        } catch (IOException e) {
            fail("no signature file " + file.toAbsolutePath() + "; write it with -Ddevproxy.api.update=true");
            return List.of();
        }
    }

    private static void write(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.getParent());
            List<String> content = new ArrayList<>();
            content.add("# The public API of this module, one line per type and member; checked by ApiSignatureTest.");
            content.add("# Regenerate with ./mvnw verify -Ddevproxy.api.update=true after a deliberate change.");
            content.addAll(lines);
            Files.write(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
