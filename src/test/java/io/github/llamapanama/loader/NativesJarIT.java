package io.github.llamapanama.loader;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs a tiny program in fresh JVMs whose classpath is only the main jar and the natives jar,
 * with an empty cache (so no staging directory) and no LD_LIBRARY_PATH: the natives must come
 * out of the jar.
 */
class NativesJarIT {
    private static final String PROGRAM = """
            import io.github.llamapanama.Llama;
            public class PrintSystemInfo {
                public static void main(String[] args) {
                    var loaded = Llama.initialize();
                    System.out.println("source=" + loaded.source());
                    System.out.println("directory=" + loaded.directory());
                    System.out.println("info=" + Llama.systemInfo());
                }
            }
            """;
    private static Path program;

    @BeforeAll
    static void writeProgram(@TempDir Path dir) throws IOException {
        program = dir.resolve("PrintSystemInfo.java");
        Files.writeString(program, PROGRAM);
    }

    private static Process start(Path cache) throws IOException {
        String classpath = System.getProperty("main.jar") + java.io.File.pathSeparator + System.getProperty("natives.jar");
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", classpath,
                "-Dllama.panama.cache=" + cache,
                program.toString());
        pb.environment().remove("LD_LIBRARY_PATH");
        pb.environment().remove(NativeLibraries.DIR_ENV);
        pb.environment().remove(NativeLibraries.CACHE_ENV);
        pb.redirectErrorStream(true);
        return pb.start();
    }

    private static String finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "JVM did not exit:\n" + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void loadsFromTheNativesJarAloneIntoACleanCache(@TempDir Path cache) throws Exception {
        String out = finish(start(cache));
        assertTrue(out.contains("source=CLASSPATH_JAR"), out);
        assertTrue(out.contains("directory=" + cache.resolve("extracted")), out);
        assertTrue(out.contains("info=CPU :"), out);
    }

    @Test
    void twoJvmsExtractingAtOnceBothLoad(@TempDir Path cache) throws Exception {
        Process a = start(cache);
        Process b = start(cache);
        String outA = finish(a);
        String outB = finish(b);
        assertTrue(outA.contains("source=CLASSPATH_JAR"), outA);
        assertTrue(outB.contains("source=CLASSPATH_JAR"), outB);
        try (Stream<Path> dirs = Files.list(cache.resolve("extracted"))) {
            List<Path> extracted = new ArrayList<>(dirs.filter(Files::isDirectory).toList());
            assertEquals(1, extracted.size(), "one extraction directory: " + extracted);
            try (Stream<Path> left = Files.list(extracted.getFirst())) {
                assertEquals(List.of(System.getProperty("natives.classifier")),
                        left.map(p -> p.getFileName().toString()).toList(), "no temporary directories left");
            }
        }
    }

    @Test
    void aTamperedExtractionIsReplaced(@TempDir Path cache) throws Exception {
        String first = finish(start(cache));
        Path dir = Path.of(first.lines().filter(l -> l.startsWith("directory=")).findFirst().orElseThrow()
                .substring("directory=".length()));
        Path lib = dir.resolve(NativePlatform.current().libraryFile("llama"));
        Files.write(lib, new byte[] {0x7f, 'E', 'L', 'F', 0});
        String second = finish(start(cache));
        assertTrue(second.contains("source=CLASSPATH_JAR"), second);
        assertTrue(Files.size(lib) > 1000, "re-extracted");
    }
}
