package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.devproxy.parser.RequestParser;
import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The module descriptors, checked on the module path (the suite itself runs on the class path): only the API
 * packages are exported, and the standalone proxy runs as a module with nothing but DevProxy's two modules,
 * since jspecify and JUnit are needed only at compile time.
 */
class ModuleDescriptorTest {

    @Test
    void coreExportsOnlyItsApiPackages() {
        ModuleDescriptor core = ModuleFinder.of(location(DevProxy.class)).find("dev.devproxy.core").orElseThrow()
                .descriptor();
        Set<String> exported = new TreeSet<>();
        core.exports().forEach(export -> exported.add(export.source()));
        assertEquals(Set.of("dev.devproxy", "dev.devproxy.stub", "dev.devproxy.junit", "dev.devproxy.admin"), exported);
        for (String layer : List.of("loop", "server", "exchange", "proxy")) {
            assertTrue(core.packages().contains("dev.devproxy.internal." + layer),
                    "the engine's internal packages exist but stay inside: " + layer);
        }
    }

    @Test
    void jUnitAndJspecifyAreReadOnlyAtCompileTimeAndNotPassedOnToConsumers() {
        for (Class<?> type : new Class<?>[] {DevProxy.class, RequestParser.class}) {
            ModuleDescriptor module = ModuleFinder.of(location(type)).findAll().iterator().next().descriptor();
            for (ModuleDescriptor.Requires requires : module.requires()) {
                if (requires.name().startsWith("org.junit") || requires.name().equals("org.jspecify")) {
                    // 'transitive' would make javac resolve them for every consumer: "module not found".
                    assertEquals(Set.of(ModuleDescriptor.Requires.Modifier.STATIC), requires.modifiers(),
                            module.name() + " requires " + requires);
                }
            }
        }
    }

    @Test
    void parserExportsOnlyItsPackage() {
        ModuleDescriptor parser = ModuleFinder.of(location(RequestParser.class)).find("dev.devproxy.parser")
                .orElseThrow().descriptor();
        Set<String> exported = new TreeSet<>();
        parser.exports().forEach(export -> exported.add(export.source()));
        assertEquals(Set.of("dev.devproxy.parser"), exported);
    }

    @Test
    @Timeout(60)
    void standaloneProxyRunsAsAModuleWithNoOtherModule() throws Exception {
        String modulePath = location(DevProxy.class) + File.pathSeparator + location(RequestParser.class);
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", modulePath, "--module", "dev.devproxy.core/dev.devproxy.internal.cli.Main", "--help")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the JVM exited");
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("--max-connections") && output.contains("MAX_CONNECTIONS"), output);
    }

    private static Path location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
