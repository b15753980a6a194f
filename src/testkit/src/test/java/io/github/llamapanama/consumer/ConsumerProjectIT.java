package io.github.llamapanama.consumer;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small application that depends on the packaged library and natives jars and describes an
 * image on the tiny fixtures, built and run twice as users do: on the module path (the library
 * as the named module {@code io.github.llamapanama}, native access granted to it alone) and on
 * the class path. Both give the same greedy answer.
 */
class ConsumerProjectIT {
    /** What goes on the module path: the library and what its module-info requires. */
    private static final Pattern MODULES = Pattern.compile(
            "jackson-(databind|core|annotations)-[^/]*\\.jar|jinjava-[^/]*\\.jar");
    private static final String SOURCE = """
            package consumer;

            import io.github.llamapanama.chat.ChatTemplate;
            import io.github.llamapanama.generation.GenerationParams;
            import io.github.llamapanama.model.Context;
            import io.github.llamapanama.model.ContextParams;
            import io.github.llamapanama.model.Model;
            import io.github.llamapanama.sampling.Sampler;
            import io.github.llamapanama.sampling.SamplingParams;
            import io.github.llamapanama.vision.Bitmap;
            import io.github.llamapanama.vision.Projector;
            import io.github.llamapanama.vision.VisionChat;

            import java.nio.file.Path;
            import java.util.List;

            public class Describe {
                public static void main(String[] args) {
                    try (Model model = Model.load(Path.of(args[0]));
                         Projector projector = Projector.load(Path.of(args[1]), model);
                         Context context = model.newContext(ContextParams.builder().contextSize(1024).build());
                         Sampler sampler = Sampler.of(SamplingParams.builder().temperature(0).build(), model.vocab());
                         Bitmap photo = Bitmap.read(projector, Path.of(args[2]))) {
                        VisionChat chat = new VisionChat(context, projector, sampler, ChatTemplate.of(model));
                        String answer = chat.send("<image>\\nDescribe the image.", List.of(photo),
                                GenerationParams.maxTokens(16)).text();
                        System.out.println("module " + Model.class.getModule().getName());
                        System.out.println("answer " + answer.replace('\\n', ' '));
                    }
                }
            }
            """;

    @TempDir
    static Path dir;
    static List<String> modulePath = new ArrayList<>();
    static List<String> classPath = new ArrayList<>();
    static List<String> args;

    @BeforeAll
    static void build() throws Exception {
        String library = Path.of(System.getProperty("main.jar")).toAbsolutePath().toString();
        String natives = Path.of(System.getProperty("natives.jar")).toAbsolutePath().toString();
        assertTrue(Files.isRegularFile(Path.of(library)), library);
        modulePath.add(library);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (!entry.endsWith(".jar") || name.startsWith("llama-panama") || name.startsWith("junit")
                    || name.startsWith("opentest4j") || name.startsWith("apiguardian")) {
                continue;
            }
            (MODULES.matcher(name).matches() ? modulePath : classPath).add(entry);
        }
        classPath.add(natives);
        args = List.of(Fixtures.tinyQwen2().toString(), Fixtures.tinyInternVlMmproj().toString(),
                TestData.file("test-1.jpeg").toString());
    }

    @Test
    void theModulePathAndTheClassPathGiveTheSameAnswer() throws Exception {
        // module path: module-info requires the library
        Path modSrc = dir.resolve("mod-src");
        Files.createDirectories(modSrc.resolve("consumer"));
        Files.writeString(modSrc.resolve("module-info.java"), "module consumer { requires io.github.llamapanama; }\n");
        Files.writeString(modSrc.resolve("consumer/Describe.java"), SOURCE);
        Path modOut = dir.resolve("mod-classes");
        compile(modOut, List.of("--module-path", String.join(File.pathSeparator, modulePath)),
                modSrc.resolve("module-info.java"), modSrc.resolve("consumer/Describe.java"));
        List<String> mp = new ArrayList<>(modulePath);
        mp.add(modOut.toString());
        String onModulePath = run(List.of("--enable-native-access=io.github.llamapanama",
                "--module-path", String.join(File.pathSeparator, mp),
                "-cp", String.join(File.pathSeparator, classPath), "-m", "consumer/consumer.Describe"));
        assertTrue(onModulePath.contains("module io.github.llamapanama"), onModulePath);

        // class path: the same source, no module-info
        Path cpSrc = dir.resolve("cp-src/consumer");
        Files.createDirectories(cpSrc);
        Files.writeString(cpSrc.resolve("Describe.java"), SOURCE);
        Path cpOut = dir.resolve("cp-classes");
        List<String> cp = new ArrayList<>(modulePath);
        cp.addAll(classPath);
        compile(cpOut, List.of("-cp", String.join(File.pathSeparator, cp)), cpSrc.resolve("Describe.java"));
        cp.add(cpOut.toString());
        String onClassPath = run(List.of("--enable-native-access=ALL-UNNAMED",
                "-cp", String.join(File.pathSeparator, cp), "consumer.Describe"));
        assertTrue(onClassPath.contains("module null"), onClassPath);

        assertEquals(answer(onClassPath), answer(onModulePath));
        assertFalse(answer(onModulePath).isBlank());
    }

    private static String answer(String out) {
        return out.lines().filter(l -> l.startsWith("answer ")).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    private static void compile(Path out, List<String> options, Path... sources) {
        List<String> javac = new ArrayList<>(options);
        javac.addAll(List.of("--release", "22", "-d", out.toString()));
        Arrays.stream(sources).map(Path::toString).forEach(javac::add);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, System.out, System.err, javac.toArray(String[]::new));
        assertEquals(0, rc, "javac " + javac);
    }

    private static String run(List<String> javaArgs) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // a cache of its own: the natives can only come from the natives jar
        command.add("-Dllama.panama.cache=" + dir.resolve("cache"));
        command.addAll(javaArgs);
        command.addAll(args);
        Path log = Files.createTempFile(dir, "run", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
        assertFalse(out.contains("WARNING: A restricted method"), "native access not granted:\n" + out);
        return out;
    }
}
