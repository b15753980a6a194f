package io.github.llamapanama.consumer;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Small applications built by Maven against this build's artifacts, as users build them (see
 * {@link ConsumerRepository}), run on the tiny fixtures:
 * <ul>
 *   <li>one that depends on {@code llama-panama} and the natives and describes an image, built and
 *   run on the class path with {@code llama-panama-natives-auto} (which must bring this platform's
 *   natives jar) and, with a module-info and the classifier named, on the module path (the
 *   library as the named module {@code io.github.llamapanama}, native access granted to it alone):
 *   both give the same greedy answer;</li>
 *   <li>a Spring Boot application that depends on {@code llama-panama-spring-boot-starter} (and the
 *   natives) only, and gets a working {@code ChatModel} bean from two properties.</li>
 * </ul>
 */
class ConsumerProjectIT {
    /** What goes on the module path: the library and what its module-info requires. */
    private static final Pattern MODULES = Pattern.compile(
            "(llama-panama-0\\.1\\.0-SNAPSHOT|jackson-(databind|core|annotations)-[^/]*|jinjava-[^/]*)\\.jar");
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
import java.util.Map;

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

    private static final String SPRING_APP = """
            package consumer;

            import org.springframework.ai.chat.model.ChatModel;
            import org.springframework.boot.WebApplicationType;
            import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
            import org.springframework.boot.builder.SpringApplicationBuilder;
            import org.springframework.context.ConfigurableApplicationContext;
            import org.springframework.context.annotation.Configuration;

            @Configuration
            @EnableAutoConfiguration
            public class App {
                public static void main(String[] args) {
                    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                            .web(WebApplicationType.NONE).run(args)) {
                        ChatModel model = context.getBean(ChatModel.class);
                        System.out.println("bean " + model.getClass().getName());
                        System.out.println("answer " + model.call("Name three rivers.").replace('\\n', ' '));
                    }
                }
            }
            """;

    @TempDir
    static Path dir;
    static ConsumerRepository repository;
    static List<String> args;

    @BeforeAll
    static void repository() throws Exception {
        repository = new ConsumerRepository(dir);
        args = List.of(Fixtures.tinyQwen2().toString(), Fixtures.tinyInternVlMmproj().toString(),
                TestData.file("test-1.jpeg").toString());
    }

    private static Path project(String name, String dependencies, Map<String, String> sources) throws Exception {
        Path project = Files.createDirectories(dir.resolve(name));
        Files.writeString(project.resolve("pom.xml"), ConsumerRepository.pom(name, dependencies));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = project.resolve("src/main/java").resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
        }
        return project;
    }

    private static String natives() {
        return ConsumerRepository.dependency("llama-panama-natives", System.getProperty("natives.classifier"));
    }

    @Test
    void theModulePathAndTheClassPathGiveTheSameAnswer() throws Exception {
        // On the class path the natives come from the one dependency that picks this platform's jar.
        String auto = ConsumerRepository.dependency("llama-panama", null) + "\n" + ConsumerRepository.autoNatives();
        Path cpProject = project("describe-classpath", auto, Map.of("consumer/Describe.java", SOURCE));
        List<String> classPath = new ArrayList<>(repository.compile(cpProject));
        String nativesJar = "llama-panama-natives-" + ConsumerRepository.VERSION + "-"
                + System.getProperty("natives.classifier") + ".jar";
        assertTrue(classPath.stream().anyMatch(e -> Path.of(e).getFileName().toString().equals(nativesJar)),
                "llama-panama-natives-auto brings " + nativesJar + ": " + classPath);
        for (String forbidden : List.of("picocli", "spark-", "spring-", "langchain4j", "progressbar", "snakeyaml-1.")) {
            assertTrue(classPath.stream().noneMatch(e -> Path.of(e).getFileName().toString().startsWith(forbidden)),
                    forbidden + " on a library user's class path: " + classPath);
        }
        classPath.add(0, cpProject.resolve("target/classes").toString());
        String onClassPath = run(List.of("--enable-native-access=ALL-UNNAMED",
                "-cp", String.join(File.pathSeparator, classPath), "consumer.Describe"), args);
        assertTrue(onClassPath.contains("module null"), onClassPath);

        String deps = ConsumerRepository.dependency("llama-panama", null) + "\n" + natives();
        Path mpProject = project("describe-modulepath", deps, Map.of("consumer/Describe.java", SOURCE,
                "module-info.java", "module consumer { requires io.github.llamapanama; }\n"));
        List<String> modulePath = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String entry : repository.compile(mpProject)) {
            (MODULES.matcher(Path.of(entry).getFileName().toString()).matches() ? modulePath : rest).add(entry);
        }
        modulePath.add(mpProject.resolve("target/classes").toString());
        String onModulePath = run(List.of("--enable-native-access=io.github.llamapanama",
                "--module-path", String.join(File.pathSeparator, modulePath),
                "-cp", String.join(File.pathSeparator, rest), "-m", "consumer/consumer.Describe"), args);
        assertTrue(onModulePath.contains("module io.github.llamapanama"), onModulePath);

        assertEquals(answer(onClassPath), answer(onModulePath));
        assertFalse(answer(onModulePath).isBlank());
    }

    @Test
    void theSpringBootStarterAloneGivesAWorkingChatModel() throws Exception {
        String deps = ConsumerRepository.dependency("llama-panama-spring-boot-starter", null) + "\n" + natives();
        Path project = project("spring-app", deps, Map.of("consumer/App.java", SPRING_APP));
        List<String> classPath = new ArrayList<>(repository.compile(project));
        classPath.add(0, project.resolve("target/classes").toString());
        String out = run(List.of("--enable-native-access=ALL-UNNAMED", "-cp", String.join(File.pathSeparator, classPath),
                "consumer.App"), List.of("--spring.ai.llama-panama.model=" + Fixtures.tinyQwen2(),
                "--spring.ai.llama-panama.max-tokens=8", "--spring.ai.llama-panama.temperature=0"));
        assertTrue(out.contains("bean io.github.llamapanama.spring.LlamaChatModel"), out);
        assertFalse(answer(out).substring("answer".length()).isBlank(), out);
    }

    private static String answer(String out) {
        return out.lines().filter(l -> l.startsWith("answer ")).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    private static String run(List<String> javaArgs, List<String> args) throws Exception {
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
