package dev.devproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The table of settings is the one place their defaults are written: the builder starts from it, and {@code --help},
 * the README's configuration table, and the Javadoc of {@link Config} and {@link DevProxy.Builder} must say what it
 * says. A default changed in one place only fails here.
 */
class SettingsTableTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path CONFIG_SOURCE = Path.of("src/main/java/dev/devproxy/Config.java");
    private static final Path BUILDER_SOURCE = Path.of("src/main/java/dev/devproxy/DevProxy.java");
    private static final Path LIMITS_SOURCE = Path.of("..", "devproxy-parser/src/main/java/dev/devproxy/parser/ParserLimits.java");

    /** The settings that are parser limits: their defaults are ParserLimits' own. */
    private static final java.util.Set<String> LIMIT_FIELDS = java.util.Set.of("maxRequestLineLength",
            "maxHeaderLineLength", "maxHeaderCount", "maxHeaderSectionSize", "maxBodySize");

    /** One row of the README's configuration table. */
    private record ReadmeRow(String builderMethod, String flag, String variable, String defaultValue) {
    }

    @Test
    void helpPrintsEveryRowWithItsDefault() {
        String usage = Config.usage();
        for (Setting setting : Setting.values()) {
            Pattern row = Pattern.compile("(?m)^" + Pattern.quote(setting.flag()) + " +"
                    + Pattern.quote(setting.environmentVariable()) + " +" + Pattern.quote(setting.defaultValue()) + " ");
            assertTrue(row.matcher(usage).find(), () -> setting + " is not printed as in the table:\n" + usage);
        }
    }

    @Test
    void theReadmeTableHasExactlyTheTablesRows() throws IOException {
        List<ReadmeRow> rows = readmeRows();
        assertEquals(Setting.values().length, rows.size(), () -> "README rows: " + rows);
        for (Setting setting : Setting.values()) {
            ReadmeRow row = rows.stream().filter(r -> r.variable().equals(setting.environmentVariable())).findFirst()
                    .orElseThrow(() -> new AssertionError(setting.environmentVariable() + " has no row in the README"));
            assertEquals(setting.flag(), row.flag(), setting::name);
            assertEquals(setting.defaultValue(), row.defaultValue(), setting::name);
            assertTrue(hasBuilderMethod(row.builderMethod()),
                    () -> "the README names DevProxy.Builder." + row.builderMethod() + ", which does not exist");
        }
    }

    @Test
    void theJavadocStatesEachDefault() throws IOException {
        String config = Files.readString(CONFIG_SOURCE, StandardCharsets.UTF_8);
        String builder = Files.readString(BUILDER_SOURCE, StandardCharsets.UTF_8);
        String limits = Files.readString(LIMITS_SOURCE, StandardCharsets.UTF_8);
        List<String> problems = new ArrayList<>();
        for (ReadmeRow row : readmeRows()) {
            Setting setting = Setting.valueOf(settingName(row.variable()));
            String expected = "default " + rendered(setting);
            if (LIMIT_FIELDS.contains(setting.field())) {
                // The limits' defaults are the parser's, in the table of ParserLimits' Javadoc.
                Matcher limitRow = Pattern.compile("\\{@code " + setting.field() + "}[^<]*</td><td>([0-9,]+)</td>")
                        .matcher(limits);
                if (!limitRow.find() || !limitRow.group(1).replace(",", "").equals(setting.defaultValue())) {
                    problems.add("ParserLimits' Javadoc table does not give " + setting.field() + " as " + setting.defaultValue());
                }
                if (!row.builderMethod().equals("limits")
                        && !plain(javadocBefore(builder, "public Builder " + row.builderMethod() + "(")).contains(expected)) {
                    problems.add("DevProxy.Builder." + row.builderMethod() + " does not say '" + expected + "'");
                }
                continue;
            }
            if (row.builderMethod().equals("upstream")) {
                expected = "default localhost:3001";
                assertEquals("localhost:3001", Setting.UPSTREAM_HOST.defaultValue() + ":" + Setting.UPSTREAM_PORT.defaultValue(),
                        "the upstream's documented default");
            }
            String builderDoc = plain(javadocBefore(builder, "public Builder " + row.builderMethod() + "("));
            if (!builderDoc.contains(expected)) {
                problems.add("DevProxy.Builder." + row.builderMethod() + " does not say '" + expected + "': " + builderDoc);
            }
            String paramDoc = plain(recordParam(config, row.builderMethod()));
            if (!paramDoc.contains(expected)) {
                problems.add("Config's @param " + row.builderMethod() + " does not say '" + expected + "': " + paramDoc);
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    /** How the Javadoc writes a default: seconds as {@code 5 s}, the thread count in words, the rest as given. */
    private static String rendered(Setting setting) {
        if (setting == Setting.IO_THREADS) {
            return "the number of available processors";
        }
        boolean duration = false;
        for (Method method : Config.Builder.class.getMethods()) {
            if (method.getName().equals(setting.field()) && method.getParameterCount() == 1) {
                duration |= method.getParameterTypes()[0] == Duration.class;
            }
        }
        return duration ? setting.defaultValue() + " s" : setting.defaultValue();
    }

    private static String settingName(String variable) {
        for (Setting setting : Setting.values()) {
            if (setting.environmentVariable().equals(variable)) {
                return setting.name();
            }
        }
        throw new AssertionError("the README names " + variable + ", which is not in the table");
    }

    private static List<ReadmeRow> readmeRows() throws IOException {
        List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8);
        int header = lines.indexOf("| builder method | flag | environment variable | default | meaning |");
        assertTrue(header >= 0, "the README's configuration table has moved or changed its header");
        List<ReadmeRow> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|");
            rows.add(new ReadmeRow(unquote(cells[1]), unquote(cells[2]), unquote(cells[3]), unquote(cells[4])));
        }
        return rows;
    }

    private static String unquote(String cell) {
        return cell.strip().replace("`", "");
    }

    private static boolean hasBuilderMethod(String name) {
        for (Method method : DevProxy.Builder.class.getMethods()) {
            if (method.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The Javadoc comment that ends right before {@code declaration}. */
    private static String javadocBefore(String source, String declaration) {
        int at = source.indexOf(declaration);
        assertTrue(at >= 0, () -> "no " + declaration);
        int end = source.lastIndexOf("*/", at);
        int start = source.lastIndexOf("/**", end);
        return source.substring(start, end);
    }

    /** The text of {@code @param name} in the first Javadoc comment (the record's), up to the next tag. */
    private static String recordParam(String source, String name) {
        int start = source.indexOf("/**");
        String doc = source.substring(start, source.indexOf("*/", start));
        Matcher param = Pattern.compile("@param " + Pattern.quote(name) + " ((?:(?!@param|@throws).)*)", Pattern.DOTALL)
                .matcher(doc);
        return param.find() ? param.group(1) : "";
    }

    /** Javadoc as plain words: no leading asterisks, no {@code ...} markup, no digit grouping, single spaces. */
    private static String plain(String javadoc) {
        return javadoc.replaceAll("(?m)^\\s*\\*", " ").replaceAll("\\{@\\w+ ([^}]*)}", "$1")
                .replaceAll("(\\d),(\\d)", "$1$2").replaceAll("\\s+", " ");
    }
}
