package io.github.llamapanama.release;

import io.github.llamapanama.loader.NativeLibraries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks .github/workflows with {@code @action-validator/cli} 0.6.0 (npm), a schema check that
 * runs offline, and checks that the release workflow covers every platform. The validator is
 * taken from {@code ACTION_VALIDATOR}, else from {@code <cache>/npm}, where this test installs it
 * with npm when it is missing (.ci/run installs it first).
 */
class ReleaseWorkflowTest {
    static final String VALIDATOR_PACKAGE = "@action-validator/cli@0.6.0";
    private static final Path WORKFLOWS = Path.of(System.getProperty("llama.panama.root", "../.."), ".github", "workflows");
    private static Path validator;

    @BeforeAll
    static void findValidator() throws Exception {
        String env = System.getenv("ACTION_VALIDATOR");
        if (env != null && !env.isBlank()) {
            validator = Path.of(env);
            return;
        }
        Path prefix = NativeLibraries.cacheDirectory().resolve("npm");
        validator = prefix.resolve("node_modules/.bin/action-validator");
        if (!Files.isExecutable(validator)) {
            Files.createDirectories(prefix);
            Result r = run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", prefix.toString(),
                    VALIDATOR_PACKAGE), 300);
            if (r.exit() != 0 || !Files.isExecutable(validator)) {
                fail("could not install " + VALIDATOR_PACKAGE + " with npm (Node.js and npm are needed;"
                        + " .ci/run installs it): " + r.output());
            }
        }
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command, int seconds) throws Exception {
        Path out = Files.createTempFile("validator", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail(command + " did not finish in " + seconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static List<Path> workflows() throws IOException {
        try (Stream<Path> s = Files.list(WORKFLOWS)) {
            return s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyWorkflowPassesTheSchemaCheck() throws Exception {
        List<Path> files = workflows();
        assertTrue(!files.isEmpty(), "no workflow in " + WORKFLOWS.toAbsolutePath());
        for (Path f : files) {
            Result r = run(List.of(validator.toString(), f.toString()), 60);
            assertEquals(0, r.exit(), f + ":\n" + r.output());
        }
    }

    @Test
    void theValidatorRejectsABrokenCopy(@TempDir Path dir) throws Exception {
        String text = Files.readString(WORKFLOWS.resolve("release.yml"));
        Path broken = dir.resolve("release.yml");
        Files.writeString(broken, text.replaceFirst("runs-on:", "runs_on:"));
        Result r = run(List.of(validator.toString(), broken.toString()), 60);
        assertNotEquals(0, r.exit(), "a job without runs-on must be refused:\n" + r.output());
    }

    @Test
    void theReleaseCoversEveryPlatformAndAssemblesOneRelease() throws IOException {
        String text = Files.readString(WORKFLOWS.resolve("release.yml"));
        for (String classifier : List.of("linux-x86_64", "linux-aarch_64", "osx-aarch_64", "osx-x86_64",
                "windows-x86_64", "linux-x86_64-vulkan", "linux-x86_64-cuda")) {
            assertTrue(text.contains("classifier: " + classifier + "\n"), classifier);
        }
        assertTrue(text.contains("./build-native.sh"), "natives come from build-native.sh at the pinned commit");
        assertTrue(text.contains("mvn -B verify"), "the tests run on each platform");
        assertTrue(text.contains("-Prelease"), "sources and javadoc jars, signed when a key is configured");
        assertTrue(text.contains("SHA256SUMS"), "a checksum file");
        assertTrue(text.contains("-Dnatives.variant=${{ matrix.variant }}"), "GPU add-on jars");
    }
}
