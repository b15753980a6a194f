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
            import io.github.llamapanama.generation.*;
            import io.github.llamapanama.model.*;
            import io.github.llamapanama.sampling.Sampler;
            public class PrintSystemInfo {
                public static void main(String[] args) {
                    var loaded = Llama.initialize();
                    System.out.println("source=" + loaded.source());
                    System.out.println("directory=" + loaded.directory());
                    System.out.println("info=" + Llama.systemInfo());
                    if (args.length > 0) { // real work, then main returns: the JVM must exit by itself
                        try (Model model = Model.load(java.nio.file.Path.of(args[0]));
                             Context ctx = model.newContext(ContextParams.builder().contextSize(128).build());
                             Sampler sampler = Sampler.builder().greedy().build()) {
                            var r = new Generator(ctx, sampler).generate("Hello", GenerationParams.maxTokens(8)).finish();
                            System.out.println("generated=" + r.tokens().length);
                        }
                    }
                }
            }
            """;
    private static Path program;

    @BeforeAll
    static void writeProgram(@TempDir Path dir) throws IOException {
        program = dir.resolve("PrintSystemInfo.java");
        Files.writeString(program, PROGRAM);
    }

    /** A JVM started on the two jars, its output going to a file. */
    private record Jvm(Process process, Path output) {}

    private static Jvm start(Path cache, String... args) throws IOException {
        String classpath = System.getProperty("main.jar") + java.io.File.pathSeparator + System.getProperty("natives.jar");
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", classpath,
                "-Dllama.panama.cache=" + cache,
                program.toString());
        pb.command().addAll(List.of(args));
        pb.environment().remove("LD_LIBRARY_PATH");
        pb.environment().remove(NativeLibraries.DIR_ENV);
        pb.environment().remove(NativeLibraries.CACHE_ENV);
        pb.redirectErrorStream(true);
        Path output = Files.createTempFile("jvm", ".out");
        pb.redirectOutput(output.toFile());
        return new Jvm(pb.start(), output);
    }

    /** Waits for the JVM to exit (a timeout means a thread kept it alive) and returns its output. */
    private static String finish(Jvm jvm) throws Exception {
        boolean exited = jvm.process().waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            jvm.process().destroyForcibly().waitFor();
        }
        String out = Files.readString(jvm.output());
        Files.deleteIfExists(jvm.output());
        assertTrue(exited, "JVM did not exit within 60 s:\n" + out);
        assertEquals(0, jvm.process().exitValue(), out);
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
    void aJvmThatGeneratedTextExitsByItself(@TempDir Path cache) throws Exception {
        String out = finish(start(cache, io.github.llamapanama.fixtures.Fixtures.tinyQwen2().toString()));
        assertTrue(out.contains("generated="), out);
    }

    @Test
    void twoJvmsExtractingAtOnceBothLoad(@TempDir Path cache) throws Exception {
        Jvm a = start(cache);
        Jvm b = start(cache);
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
