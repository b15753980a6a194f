package io.github.llamapanama.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Natives that cannot load: one line naming the reason and its own exit code, never a stack trace. */
class NativesFailureTest {
    @Test
    void oneLineAndExitCode3(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-natives-here"));
        for (String[] args : new String[][] {{"system-info"}, {"generate", "-m", dir.resolve("m.gguf").toString(), "hi"}}) {
            Path log = dir.resolve("out.log");
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-Dllama.panama.natives=" + empty,
                    "-cp", System.getProperty("java.class.path"), Main.class.getName()));
            command.addAll(java.util.List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String out = Files.readString(log, StandardCharsets.UTF_8).strip();
            assertEquals(Main.NATIVES_FAILED, p.exitValue(), out);
            assertTrue(out.startsWith("error: cannot load the llama.cpp natives: "), out);
            assertTrue(out.contains(empty.toString()), out);
            assertFalse(out.contains("\tat "), "a stack trace:\n" + out);
            assertEquals(1, out.lines().filter(l -> !l.startsWith("WARNING")).count(), out);
        }
    }
}
