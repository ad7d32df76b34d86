package dev.netpaths.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpaths.testsupport.MarkdownTable;
import dev.netpaths.testsupport.ResourcePaths;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README.md's two tables against the code: the endpoints are the resources' ({@code METHOD /path}), and the
 * settings are CallerConfig's keys, each with its environment variable and application.properties' default.
 */
class ReadmeTablesTest {

    private static final Pattern ENDPOINT = Pattern.compile("^(GET|POST|PUT|DELETE|PATCH|HEAD) (/[^?\\s]*)");

    private static String readme() throws Exception {
        return Files.readString(Path.of("README.md"));
    }

    @Test
    void theEndpointTableIsTheResourcesEndpoints() throws Exception {
        Set<String> named = new TreeSet<>();
        for (List<String> row : MarkdownTable.headed(readme(), "Endpoint", "What it does")) {
            List<String> code = MarkdownTable.code(row.get(0));
            Matcher m = ENDPOINT.matcher(code.isEmpty() ? "" : code.get(0));
            if (m.find()) {
                named.add(m.group(1) + " " + m.group(2));
            } else {
                assertTrue(code.stream().allMatch(c -> c.startsWith("/q/")), "a row that is neither METHOD /path nor /q/: " + row);
            }
        }
        assertEquals(ResourcePaths.of(CallResource.class, ResolveResource.class, WhoAmIResource.class), named);
    }

    @Test
    void theSettingsTableIsCallerConfigWithItsVariablesAndDefaults() throws Exception {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(Path.of("src/main/resources/application.properties"))));
        Map<String, List<String>> rows = new TreeMap<>();
        for (List<String> row : MarkdownTable.headed(readme(), "Key", "Environment variable", "Default")) {
            rows.put(MarkdownTable.code(row.get(0)).get(0), row);
        }
        assertEquals(keys("netpaths.caller", CallerConfig.class), rows.keySet(), "README.md's settings are CallerConfig's keys");
        rows.forEach((key, row) -> {
            assertEquals(List.of(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')), MarkdownTable.code(row.get(1)),
                    key + ": the environment variable SmallRye Config maps it from");
            String value = properties.getProperty(key);
            if (value == null) {
                assertTrue(row.get(2).startsWith("unset"), key + " has no default in application.properties: " + row);
            } else if (value.isEmpty()) {
                assertTrue(row.get(2).startsWith("empty"), key + " is empty in application.properties: " + row);
            } else {
                assertEquals(value, MarkdownTable.code(row.get(2)).get(0), key + ": the default in application.properties");
            }
        });
    }

    /** The keys of a @ConfigMapping interface: methods in kebab case, a nested interface a dotted group. */
    static Set<String> keys(String prefix, Class<?> mapping) {
        Set<String> keys = new TreeSet<>();
        for (Method m : mapping.getDeclaredMethods()) {
            String key = prefix + "." + m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            if (m.getReturnType().isInterface() && m.getReturnType().getEnclosingClass() == mapping) {
                keys.addAll(keys(key, m.getReturnType()));
            } else {
                keys.add(key);
            }
        }
        return keys;
    }
}
