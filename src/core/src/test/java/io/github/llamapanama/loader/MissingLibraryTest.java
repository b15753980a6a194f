package io.github.llamapanama.loader;

import io.github.llamapanama.Llama;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A system that lacks a library the natives need (a slim container without libgomp, say): the
 * loader's message names the missing library, not the CPU. A staged copy's CPU variants are
 * replaced by modules that need a library that is then deleted.
 */
class MissingLibraryTest {
    private static final String MISSING = "libllama-panama-test-missing.so";

    /** Runs in a child JVM: natives load once per JVM. */
    public static final class Probe {
        public static void main(String[] args) {
            try {
                System.out.println("loaded " + Llama.cpuVariant());
            } catch (NativeLoadException e) {
                System.out.println("failed " + e.getMessage());
            }
        }
    }

    @Test
    void theMessageNamesTheMissingLibrary(@TempDir Path dir) throws Exception {
        Path staged = Path.of(System.getProperty("llama.panama.cache"), "natives", NativePlatform.current().classifier());
        Path natives = Files.createDirectories(dir.resolve("natives"));
        try (Stream<Path> files = Files.list(staged)) {
            for (Path f : files.toList()) {
                Files.copy(f, natives.resolve(f.getFileName()));
            }
        }
        // A module that needs MISSING, which exists only while it is linked.
        Path src = dir.resolve("variant.c");
        Files.writeString(src, "int llama_panama_test_missing(void);\nint ggml_backend_score(void) { return llama_panama_test_missing(); }\n");
        Path needed = dir.resolve("needed.c");
        Files.writeString(needed, "int llama_panama_test_missing(void) { return 1; }\n");
        run(dir, "cc", "-shared", "-fPIC", "-o", dir.resolve(MISSING).toString(), needed.toString());
        Properties index = new Properties();
        try (var in = Files.newBufferedReader(natives.resolve("natives.properties"))) {
            index.load(in);
        }
        List<String> variants = List.of(index.getProperty("backends").split(","));
        for (String module : variants) {
            Path out = natives.resolve(module);
            Files.delete(out);
            run(dir, "cc", "-shared", "-fPIC", "-o", out.toString(), src.toString(), "-L" + dir, "-l:" + MISSING);
            index.setProperty("sha256." + module, NativesIndex.sha256(out));
        }
        Files.delete(dir.resolve(MISSING));
        try (var w = Files.newBufferedWriter(natives.resolve("natives.properties"))) {
            index.store(w, "a copy whose CPU variants need a missing library");
        }

        String out = run(dir, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dllama.panama.natives=" + natives,
                "-Dllama.panama.cache=" + dir.resolve("cache"), "-cp", System.getProperty("java.class.path"),
                Probe.class.getName());
        assertTrue(out.startsWith("failed "), out);
        assertTrue(out.contains(MISSING), out);
        assertTrue(out.contains("cannot open shared object file"), out);
        assertFalse(out.contains("this CPU supports none"), out);
    }

    private static String run(Path dir, String... command) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command));
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
        return out;
    }
}
