package io.github.llamapanama.release;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The jars a project that depends on llama-panama gets at run time, as Maven resolves them for
 * this build (target/runtime-dependencies.txt, written by maven-dependency-plugin's list goal in
 * the generate-test-resources phase), against the list checked into the repository
 * (src/core/runtime-dependencies.txt): a new jar, a jar gone or a version changed fails here, so
 * that each one is looked at (what needs it, its known CVEs) before the list is updated.
 */
class RuntimeDependenciesTest {
    private static final Path ROOT = Path.of(System.getProperty("llama.panama.root", "../.."));

    /** group:artifact to version. */
    private static Map<String, String> checkedIn() throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (String line : Files.readAllLines(ROOT.resolve("src/core/runtime-dependencies.txt"))) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] p = line.split(":");
            assertEquals(3, p.length, "group:artifact:version, was " + line);
            out.put(p[0] + ":" + p[1], p[2]);
        }
        return out;
    }

    /** Non-optional runtime dependencies from dependency:list ("   g:a:type[:classifier]:version:scope [(optional)] -- module m"). */
    private static Map<String, String> resolved() throws IOException {
        Path list = ROOT.resolve("src/core/target/runtime-dependencies.txt");
        if (!Files.isRegularFile(list)) {
            fail(list + " is missing: run the test through Maven (mvn -pl src/core test), whose"
                    + " generate-test-resources phase writes it");
        }
        Map<String, String> out = new TreeMap<>();
        for (String line : Files.readAllLines(list)) {
            if (!line.startsWith(" ") || line.isBlank()) {
                continue; // the header line
            }
            String entry = line.strip();
            int module = entry.indexOf(" -- ");
            if (module >= 0) {
                entry = entry.substring(0, module);
            }
            if (entry.endsWith("(optional)")) {
                continue; // consumers do not get it
            }
            String[] p = entry.split(":");
            out.put(p[0] + ":" + p[1], p[p.length - 2]);
        }
        assertTrue(out.containsKey("com.hubspot.jinjava:jinjava"), "unexpected dependency:list output: " + out);
        return out;
    }

    @Test
    void consumersGetExactlyTheCheckedInJars() throws IOException {
        Map<String, String> expected = checkedIn();
        Map<String, String> actual = resolved();
        TreeSet<String> added = new TreeSet<>(actual.keySet());
        added.removeAll(expected.keySet());
        TreeSet<String> gone = new TreeSet<>(expected.keySet());
        gone.removeAll(actual.keySet());
        assertTrue(added.isEmpty(), "the library's runtime dependencies grew: " + added + " (" + actual
                + "). Exclude what the library does not need, or check the jar and add it to src/core/runtime-dependencies.txt");
        assertTrue(gone.isEmpty(), "no longer a runtime dependency, remove from src/core/runtime-dependencies.txt: " + gone);
        assertEquals(expected, actual, "a version changed: check it, then update src/core/runtime-dependencies.txt");
    }

    @Test
    void noJarWithTheCvesIssue26Found() throws IOException {
        Map<String, String> actual = resolved();
        // SnakeYAML 1.x: CVE-2022-1471, through Jinjava's jackson-dataformat-yaml 2.14
        String snakeyaml = actual.getOrDefault("org.yaml:snakeyaml", "2");
        assertTrue(Integer.parseInt(snakeyaml.split("\\.")[0]) >= 2, "snakeyaml " + snakeyaml);
        // commons-lang3 before 3.18.0: CVE-2025-48924
        String[] lang = actual.get("org.apache.commons:commons-lang3").split("\\.");
        assertTrue(Integer.parseInt(lang[0]) > 3 || Integer.parseInt(lang[1]) >= 18, String.join(".", lang));
        for (String gone : new String[]{"commons-net:commons-net", "org.javassist:javassist", "ch.obermuhlner:big-math",
                "com.googlecode.java-ipv6:java-ipv6", "com.google.code.findbugs:annotations"}) {
            assertTrue(!actual.containsKey(gone), gone);
        }
    }
}
