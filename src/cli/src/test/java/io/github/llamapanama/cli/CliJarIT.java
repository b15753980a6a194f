package io.github.llamapanama.cli;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runnable jar on its own: java -jar llama-panama-<version>-cli.jar, natives inside. */
class CliJarIT {

    private static String run(Path cache, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dllama.panama.cache=" + cache, "-jar", System.getProperty("cli.jar")));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("cli", ".out");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().remove("LD_LIBRARY_PATH");
        Process p = pb.start();
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(output);
        Files.delete(output);
        assertTrue(exited, "did not exit:\n" + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void theRunnableJarDescribesAnImageWithNoOtherFiles(@TempDir Path cache) throws Exception {
        String info = run(cache, "system-info");
        assertTrue(info.contains("from CLASSPATH_JAR"), info);
        // what the natives were built with, and the loaded libraries: the bundled OpenMP runtime first
        // where there is one (Linux builds with OpenMP)
        assertTrue(info.contains("built with    "), info);
        java.util.regex.Matcher openMp = java.util.regex.Pattern.compile("OpenMP \\(bundled lib(\\w+)\\)").matcher(info);
        assertTrue(info.contains(openMp.find() ? "libraries     libllama-panama-" + openMp.group(1) + ".so, libggml-base.so"
                : "libraries     libggml-base.so"), info);
        assertTrue(!info.contains("WARNING: A restricted method"), "Enable-Native-Access is in the manifest:\n" + info);
        String answer = run(cache, "describe", "--model", Fixtures.tinyQwen2().toString(), "--mmproj",
                Fixtures.tinyInternVlMmproj().toString(), "--image", TestData.file("test-1.jpeg").toString(),
                "--temp", "0", "-n", "8");
        assertTrue(answer.strip().length() > 0, answer);
    }
}
