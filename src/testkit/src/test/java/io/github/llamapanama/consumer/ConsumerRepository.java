package io.github.llamapanama.consumer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a user's Maven build sees: a local repository holding this build's artifacts as
 * {@code mvn install} would lay them out (their real POMs, the parent's too); every other artifact
 * comes from the build's own local repository, read as a remote one (never written), or from
 * Maven Central when only a consumer resolves it.
 */
final class ConsumerRepository {
    static final String GROUP = "io.github.llamapanama";
    static final String VERSION = "0.1.0-SNAPSHOT";

    private final Path root = Path.of(System.getProperty("llama.panama.root", "../.."));
    private final Path local;
    private final Path settings;

    ConsumerRepository(Path dir) throws IOException {
        local = Files.createDirectories(dir.resolve("local-repo"));
        Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository");
        settings = dir.resolve("settings.xml");
        // The build's own local repository first (as a remote: read, never written), then Maven
        // Central for what only a consumer resolves (its versions can differ from the build's).
        String build = """
                <repository><id>build</id><url>%s</url>
                  <releases><enabled>true</enabled></releases><snapshots><enabled>false</enabled></snapshots>
                </repository>""".formatted(m2.toUri());
        Files.writeString(settings, """
                <settings>
                  <profiles>
                    <profile>
                      <id>build-first</id>
                      <repositories>%s</repositories>
                      <pluginRepositories>%s</pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>build-first</activeProfile></activeProfiles>
                </settings>
                """.formatted(build, build.replace("repository>", "pluginRepository>")));
        install("llama-panama-parent", root.resolve("pom.xml"), null, null);
        install("llama-panama", root.resolve("src/core/pom.xml"), jar("core", "llama-panama"), null);
        install("llama-panama-natives", root.resolve("src/natives/pom.xml"), jar("natives", "llama-panama-natives"),
                natives());
        install("llama-panama-natives-auto", root.resolve("src/natives-auto/pom.xml"), null, null);
        install("llama-panama-spring-boot-starter", root.resolve("src/spring-boot-starter/pom.xml"),
                jar("spring-boot-starter", "llama-panama-spring-boot-starter"), null);
    }

    private Path jar(String module, String artifact) {
        return root.resolve("src").resolve(module).resolve("target").resolve(artifact + "-" + VERSION + ".jar");
    }

    private Path natives() {
        return Path.of(System.getProperty("natives.jar"));
    }

    private void install(String artifact, Path pom, Path jar, Path classified) throws IOException {
        Path dir = Files.createDirectories(local.resolve(GROUP.replace('.', '/')).resolve(artifact).resolve(VERSION));
        String base = artifact + "-" + VERSION;
        Files.copy(pom, dir.resolve(base + ".pom"));
        if (jar != null) {
            Files.copy(jar, dir.resolve(base + ".jar"));
        }
        if (classified != null) {
            Files.copy(classified, dir.resolve(base + "-" + System.getProperty("natives.classifier") + ".jar"));
        }
    }

    /**
     * Runs Maven on {@code project} and returns the runtime class path it resolved.
     */
    List<String> compile(Path project) throws IOException, InterruptedException {
        Path cp = project.resolve("classpath.txt");
        List<String> command = List.of(maven(), "-B", "-q", "-s", settings.toString(),
                "-Dmaven.repo.local=" + local, "-f", project.resolve("pom.xml").toString(), "compile",
                "org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath",
                "-Dmdep.includeScope=runtime", "-Dmdep.outputFile=" + cp);
        Path log = project.resolve("maven.log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_OPTS");
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("maven timed out:\n" + Files.readString(log));
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + "\n" + Files.readString(log));
        }
        List<String> entries = new ArrayList<>(List.of(Files.readString(cp).strip().split(java.io.File.pathSeparator)));
        entries.removeIf(String::isBlank);
        return entries;
    }

    private static String maven() {
        for (String dir : System.getenv("PATH").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "mvn"))) {
                return Path.of(dir, "mvn").toString();
            }
        }
        String home = System.getProperty("maven.home");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
            return Path.of(home, "bin", "mvn").toString();
        }
        throw new AssertionError("no mvn on the PATH");
    }

    /** A consumer POM: these dependencies, the plugin versions the build machine has. */
    static String pom(String artifact, String dependencies) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>%s</artifactId>
                  <version>1.0</version>
                  <properties>
                    <maven.compiler.release>22</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                %s
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(artifact, dependencies);
    }

    /** The dependency that picks the natives of the platform Maven runs on (a pom with OS profiles). */
    static String autoNatives() {
        return "    <dependency><groupId>" + GROUP + "</groupId><artifactId>llama-panama-natives-auto</artifactId><version>"
                + VERSION + "</version><type>pom</type></dependency>";
    }

    static String dependency(String artifact, String classifier) {
        return "    <dependency><groupId>" + GROUP + "</groupId><artifactId>" + artifact + "</artifactId><version>"
                + VERSION + "</version>" + (classifier == null ? "" : "<classifier>" + classifier + "</classifier>")
                + "</dependency>";
    }
}
