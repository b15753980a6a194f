package io.github.llamapanama.examples;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.loader.NativeLibraries;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the examples/ JBang scripts as a user would, against the jars this build made: they are
 * installed with a minimal pom into a temporary local repository that JBang uses first
 * (JBANG_REPO), with the build's own local repository behind it, read-only
 * (maven.repo.local.tail), so the other dependencies come from there or Maven Central and
 * nothing is written outside the temporary directory. dev.jbang.Main, like the jbang launcher,
 * builds the script and prints the java command line to run (exit 255); the test runs that line.
 */
class JBangExamplesIT {
    private static final String GROUP = "io.github.llamapanama";
    private static final String ARTIFACT = "llama-panama";
    private static final String VERSION = "0.1.0-SNAPSHOT";
    private static final Path ROOT = Path.of(System.getProperty("llama.panama.root", "../.."));
    private static final Path EXAMPLES = ROOT.resolve("examples");
    private static final java.util.Map<String, String> BOM_VERSIONS = java.util.Map.of(
            "dev.langchain4j", "langchain4j.version", "org.springframework.ai", "spring-ai.version");
    /** dev.jbang.cli.BaseCommand.EXIT_EXECUTE: "run the command I printed". */
    private static final int JBANG_EXECUTE = 255;
    /** Each process gets this long; all of them together get {@link #deadline}. */
    private static final int PROCESS_SECONDS = 120;
    private static long deadline;

    private static Path work;
    private static Path repo;
    private static String model;
    private static String mmproj;
    private static String image;

    @BeforeAll
    static void installArtifacts(@TempDir Path dir) throws Exception {
        Path mainJar = Path.of(System.getProperty("main.jar"));
        String classifier = System.getProperty("natives.classifier");
        assertEquals(ARTIFACT + "-" + VERSION + ".jar", mainJar.getFileName().toString(),
                "examples/ and this test depend on version " + VERSION + ": update them with the pom");
        // The scripts name no platform: JBang puts its own in for ${os.detected.classifier}, the
        // name the natives jar is installed under below.
        assertTrue(Files.readString(EXAMPLES.resolve("DescribeImage.java"))
                .contains("//DEPS " + GROUP + ":" + ARTIFACT + "-natives:" + VERSION + ":${os.detected.classifier}\n"),
                "examples/ name the natives by ${os.detected.classifier}");
        deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        work = dir;
        repo = dir.resolve("repo");
        Element parent = pom(ROOT.resolve("pom.xml"));
        install(ARTIFACT, mainJar, pom(ROOT.resolve("src/core/pom.xml")), parent);
        Path nativesJar = Path.of(System.getProperty("natives.jar"));
        Path natives = install(ARTIFACT + "-natives", null, pom(ROOT.resolve("src/natives/pom.xml")), parent);
        Files.copy(nativesJar, natives.resolve(ARTIFACT + "-natives-" + VERSION + "-" + classifier + ".jar"));
        install(ARTIFACT + "-langchain4j", Path.of(System.getProperty("langchain4j.jar")),
                pom(ROOT.resolve("src/langchain4j/pom.xml")), parent);
        model = Fixtures.tinyQwen2().toString();
        mmproj = Fixtures.tinyInternVlMmproj().toString();
        image = TestData.file("test-1.jpeg").toString();
    }

    /** Puts one artifact into the test's Maven repository: its jar (if any) and a minimal pom. */
    private static Path install(String artifact, Path jar, Element modulePom, Element parentPom) throws Exception {
        Path version = repo.resolve(GROUP.replace('.', '/')).resolve(artifact).resolve(VERSION);
        Files.createDirectories(version);
        String base = artifact + "-" + VERSION;
        if (jar != null) {
            Files.copy(jar, version.resolve(base + ".jar"));
        }
        Files.writeString(version.resolve(base + ".pom"), minimalPom(artifact, modulePom, parentPom));
        return version;
    }

    private static Element pom(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile()).getDocumentElement();
    }

    /**
     * The module's pom with only what a consumer needs: its compile and runtime dependencies, with
     * the versions the parent manages.
     */
    private static String minimalPom(String artifact, Element project, Element parent) {
        StringBuilder deps = new StringBuilder();
        Element dependencies = child(project, "dependencies");
        for (Node n = dependencies.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element d && d.getTagName().equals("dependency")) {
                String scope = text(d, "scope");
                boolean optional = "true".equals(text(d, "optional"));
                if (!optional && (scope == null || scope.equals("compile") || scope.equals("runtime"))) {
                    String version = managedVersion(parent, text(d, "groupId"), text(d, "artifactId"));
                    deps.append("    <dependency><groupId>").append(text(d, "groupId"))
                            .append("</groupId><artifactId>").append(text(d, "artifactId"))
                            .append("</artifactId><version>").append(version)
                            .append("</version></dependency>\n");
                }
            }
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>%s</groupId>
                  <artifactId>%s</artifactId>
                  <version>%s</version>
                  <dependencies>
                %s  </dependencies>
                </project>
                """.formatted(GROUP, artifact, VERSION, deps);
    }

    /** The parent's managed version of a dependency, with its properties resolved. */
    private static String managedVersion(Element parent, String group, String artifact) {
        if (group.equals(GROUP)) {
            return VERSION;
        }
        Element managed = child(child(parent, "dependencyManagement"), "dependencies");
        for (Node n = managed.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element d && d.getTagName().equals("dependency")
                    && group.equals(text(d, "groupId")) && artifact.equals(text(d, "artifactId"))) {
                String version = text(d, "version");
                if (version.startsWith("${")) {
                    version = text(child(parent, "properties"), version.substring(2, version.length() - 1));
                }
                assertTrue(version != null && !version.contains("${"), "a literal version: " + d.getTextContent());
                return version;
            }
        }
        // managed through an imported BOM: the BOM's version property
        String bomVersion = BOM_VERSIONS.get(group);
        if (bomVersion != null) {
            return text(child(parent, "properties"), bomVersion);
        }
        throw new AssertionError("the parent pom manages no version of " + group + ":" + artifact);
    }

    private static Element child(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String tag) {
        Element e = child(parent, tag);
        return e == null ? null : e.getTextContent().strip();
    }

    @Test
    void theLangChain4jScriptDescribesAnImage() throws Exception {
        String out = runExample("DescribeImageLangChain4j.java", null, model, mmproj, image, "What's in it?");
        assertFalse(out.isBlank(), "an answer");
    }

    @Test
    void describeImageStreamsAnAnswer() throws Exception {
        // The question's quote makes JBang quote the argument in the line it prints.
        String out = runExample("DescribeImage.java", null, "--model", model, "--mmproj", mmproj,
                "--image", image, "--temp", "0", "--max-tokens", "16", "What's in it?");
        assertFalse(out.isBlank(), "an answer");
        // The natives came out of the natives jar JBang resolved, into the cache the test gave.
        assertTrue(Files.isDirectory(work.resolve("natives-cache").resolve("extracted")), "natives extracted");
    }

    @Test
    void compareImagesAnswersAboutSeveralImages() throws Exception {
        String out = runExample("CompareImages.java", null, "--model", model, "--mmproj", mmproj,
                "--temp", "0", "--max-tokens", "16", image, image);
        assertFalse(out.isBlank(), "an answer");
    }

    @Test
    void batchDescribePrintsOneAnswerPerImageInOrder() throws Exception {
        String out = runExample("BatchDescribe.java", null, "--model", model, "--mmproj", mmproj,
                "--temp", "0", "--max-tokens", "16", image, image);
        String header = "== " + image + "\n";
        assertTrue(out.startsWith(header), out);
        String[] answers = out.substring(header.length()).split(java.util.regex.Pattern.quote(header), -1);
        assertEquals(2, answers.length, out);
        assertFalse(answers[0].isBlank(), out);
        assertEquals(answers[0], answers[1], "the same image answered greedily twice:\n" + out);
    }

    @Test
    void chatAnswersALineAndEndsAtEndOfInput() throws Exception {
        String out = runExample("Chat.java", "Hello there\n", "--model", model, "--temp", "0", "--max-tokens", "16");
        assertFalse(out.isBlank(), "an answer");
    }

    @Test
    void chatWithAnImageAnswersEachLine() throws Exception {
        String out = runExample("Chat.java", "What is this?\nAnd now?\n", "--model", model, "--mmproj", mmproj,
                "--image", image, "--temp", "0", "--max-tokens", "8");
        assertFalse(out.isBlank(), "answers");
    }

    @Test
    void aScriptWithoutArgumentsPrintsItsUsage() throws Exception {
        Output jbang = finish(start(jbangCommand("DescribeImage.java"), "usage-jbang", null));
        assertEquals(JBANG_EXECUTE, jbang.exit(), jbang.toString());
        Output run = finish(start(words(lastLine(jbang)), "usage", null));
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.stderr().contains("usage: DescribeImage --model FILE --mmproj FILE --image FILE"), run.toString());
    }

    @Test
    void wordsUndoJBangsBashQuoting() {
        List<String> args = List.of("/usr/bin/java", "What's in it?", "a  b", "$HOME", "back\\slash", "say \"hi\"", "-Dx=1");
        String line = dev.jbang.util.CommandBuffer.of(args).shell(dev.jbang.util.Util.Shell.bash).asCommandLine();
        assertEquals(args, words(line), line);
    }

    /**
     * Has JBang build the script and print its command line, runs that with {@code stdin} (null:
     * none) and returns what the script printed; it must exit 0 by itself.
     */
    private static String runExample(String script, String stdin, String... args) throws Exception {
        String name = script.replace(".java", "");
        List<String> command = jbangCommand(script);
        command.addAll(Arrays.asList(args));
        Output jbang = finish(start(command, name + "-jbang", null));
        if (jbang.exit() != JBANG_EXECUTE) {
            fail("jbang exited with " + jbang.exit() + ", not " + JBANG_EXECUTE + " (a command to run)\n" + jbang);
        }
        Output run = finish(start(words(lastLine(jbang)), name, stdin));
        assertEquals(0, run.exit(), "jbang " + jbang + "\n" + script + " " + run);
        System.out.println(script + ": jbang " + jbang.millis() + " ms, script " + run.millis() + " ms");
        return run.stdout();
    }

    /** dev.jbang.Main in a fresh JVM on the test classpath's jars (jbang-cli and its dependencies). */
    private static List<String> jbangCommand(String script) {
        List<String> jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.endsWith(".jar")).toList();
        Path jbangJar = jars.stream().map(Path::of).filter(p -> p.getFileName().toString().startsWith("jbang-cli-"))
                .findFirst().orElseThrow(() -> new AssertionError("no jbang-cli jar on the test classpath"));
        // <repo>/dev/jbang/jbang-cli/<version>/jbang-cli-<version>.jar: the build's local repository
        Path localRepo = jbangJar.toAbsolutePath().getParent().getParent().getParent().getParent().getParent();
        return new ArrayList<>(List.of(java(),
                "-XX:TieredStopAtLevel=1", // a short-lived CLI: C1 alone needs about a third less CPU
                "-Dmaven.repo.local.tail=" + localRepo,
                "-cp", String.join(File.pathSeparator, jars),
                "dev.jbang.Main", "run", EXAMPLES.resolve(script).toAbsolutePath().toString()));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A started process whose output goes to files. */
    private record Started(Process process, long startNanos, Path stdout, Path stderr) {}

    private record Output(int exit, long millis, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + " after " + millis + " ms\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
        }
    }

    private static Started start(List<String> command, String name, String stdin) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        var env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("JBANG_"));
        env.put("JAVA_HOME", System.getProperty("java.home")); // a JDK that meets //JAVA 22+: no download
        env.put("JBANG_DIR", work.resolve("jbang").toString());
        env.put("JBANG_CACHE_DIR", work.resolve("jbang-cache").toString());
        env.put("JBANG_REPO", repo.toString());
        env.put("JBANG_NO_VERSION_CHECK", "true");
        env.put("JBANG_RUNTIME_SHELL", "bash"); // how it quotes the command line, whatever the OS
        env.put("JBANG_COMPILE_OPTIONS", "-J-XX:TieredStopAtLevel=1"); // javac too (added to //COMPILE_OPTIONS)
        env.remove("LD_LIBRARY_PATH");
        env.remove(NativeLibraries.DIR_ENV);
        env.put(NativeLibraries.CACHE_ENV, work.resolve("natives-cache").toString());
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        long startNanos = System.nanoTime();
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) { // closed: a script reading stdin sees its end
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        return new Started(p, startNanos, out, err);
    }

    /** Waits for the process to exit by itself (bounded) and returns its output. */
    private static Output finish(Started s) throws Exception {
        long nanos = Math.max(0, Math.min(TimeUnit.SECONDS.toNanos(PROCESS_SECONDS), deadline - System.nanoTime()));
        boolean exited = s.process().waitFor(nanos, TimeUnit.NANOSECONDS);
        if (!exited) {
            s.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Output out = new Output(exited ? s.process().exitValue() : -1, (System.nanoTime() - s.startNanos()) / 1_000_000,
                Files.readString(s.stdout()), Files.readString(s.stderr()));
        assertTrue(exited, "did not exit in time (" + PROCESS_SECONDS + " s each, 5 min in all): "
                + s.process().info().commandLine().orElse("") + "\n" + out);
        return out;
    }

    /** The command line jbang printed: the last line of its standard output. */
    private static String lastLine(Output jbang) {
        List<String> lines = jbang.stdout().lines().filter(l -> !l.isBlank()).toList();
        assertFalse(lines.isEmpty(), "jbang printed no command line\n" + jbang);
        return lines.getLast();
    }

    /** Splits a command line as bash would: 'single' and "double" quotes, backslash escapes. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                assertTrue(end > 0, "unterminated ' in " + line);
                word.append(line, i + 1, end);
                i = end;
            } else if (c == '"') {
                for (i++; i < line.length() && line.charAt(i) != '"'; i++) {
                    if (line.charAt(i) == '\\' && i + 1 < line.length() && "\\\"$`".indexOf(line.charAt(i + 1)) >= 0) {
                        i++;
                    }
                    word.append(line.charAt(i));
                }
                assertTrue(i < line.length(), "unterminated \" in " + line);
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
            } else {
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
