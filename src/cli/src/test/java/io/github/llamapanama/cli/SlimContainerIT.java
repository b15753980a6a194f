package io.github.llamapanama.cli;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.loader.NativesJar;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The runnable jar where Java services run: {@code minbase} roots of Debian 11 (glibc 2.31 and
 * GCC 10's libstdc++: the level of Ubuntu 20.04) and Debian 12 (what {@code debian:bookworm-slim}
 * and most JRE images are: no libgomp, no compiler), made with debootstrap and kept in the cache,
 * with this JDK copied in. {@code describe} inside each, with chroot, gives the greedy answer it
 * gives on the build machine. Needs root and debootstrap: CI has both (it fails there without
 * them); elsewhere the test is skipped, and Debian 11 is tried only with the portable natives
 * ({@code build-native.sh --debian11}), which CI always packages.
 */
class SlimContainerIT {

    @ParameterizedTest(name = "Debian {0} minbase")
    @ValueSource(strings = {"bullseye", "bookworm"})
    void describeInAMinbaseRootAnswersAsOnTheBuildMachine(String suite) throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean ci = System.getenv("CI") != null;
        assumeTrue(root || ci, "needs root for chroot");
        assertTrue(root, "CI runs this test as root");
        Path cliJar = Path.of(System.getProperty("cli.jar"));
        assumeTrue(ci || !suite.equals("bullseye") || NativesJar.build(cliJar).contains("static C++ runtime"),
                "the natives were built on this machine's glibc: Debian 11 needs build-native.sh --debian11");
        Path cache = Path.of(System.getProperty("llama.panama.cache"));
        Path rootfs = debianRoot(cache.resolve("roots").resolve(suite + "-minbase"), suite);
        assertFalse(Files.exists(rootfs.resolve("usr/lib/x86_64-linux-gnu/libgomp.so.1")), "a minbase root has no libgomp");
        Path jdk = rootfs.resolve("opt/jdk");
        if (!Files.isExecutable(jdk.resolve("bin/java"))) {
            sh(List.of("cp", "-a", System.getProperty("java.home") + "/.", jdk.toString()), 600, jdk.getParent());
        }
        String id = "llama-panama-it-" + UUID.randomUUID();
        Path work = Files.createDirectories(rootfs.resolve("tmp").resolve(id));
        Path proc = rootfs.resolve("proc");
        boolean mounted = false;
        try {
            Files.copy(cliJar, work.resolve("cli.jar"));
            Files.copy(Fixtures.tinyQwen2(), work.resolve("model.gguf"));
            Files.copy(Fixtures.tinyInternVlMmproj(), work.resolve("mmproj.gguf"));
            Files.copy(TestData.file("test-1.jpeg"), work.resolve("test-1.jpeg"));
            List<String> args = List.of("describe", "--model", "/tmp/" + id + "/model.gguf",
                    "--mmproj", "/tmp/" + id + "/mmproj.gguf", "--image", "/tmp/" + id + "/test-1.jpeg",
                    "--temp", "0", "-n", "16");

            List<String> host = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dllama.panama.cache=" + work.resolve("host-cache"), "-jar", work.resolve("cli.jar").toString()));
            args.forEach(a -> host.add(a.replace("/tmp/" + id, work.toString())));
            String onHost = sh(host, 120, work);

            sh(List.of("mount", "-t", "proc", "proc", proc.toString()), 30, work);
            mounted = true;
            List<String> chrooted = new ArrayList<>(List.of("chroot", rootfs.toString(), "/opt/jdk/bin/java",
                    "-Dllama.panama.cache=/tmp/" + id + "/cache", "-jar", "/tmp/" + id + "/cli.jar"));
            chrooted.addAll(args);
            String inRoot = sh(chrooted, 120, work);
            assertEquals(answer(onHost), answer(inRoot), suite + " minbase:\n" + inRoot);
            assertFalse(answer(inRoot).isBlank());
        } finally {
            if (mounted) {
                sh(List.of("umount", proc.toString()), 30, work);
            }
            sh(List.of("rm", "-rf", work.toString()), 60, rootfs);
        }
    }

    /** The output without the JVM's and loader's warnings: the answer. */
    private static String answer(String out) {
        return String.join("\n", out.lines().filter(l -> !l.startsWith("WARNING") && !l.startsWith("load_backend")).toList()).strip();
    }

    /** A Debian root made once with debootstrap (minbase) and kept; a half-made one is never reused. */
    private static Path debianRoot(Path dir, String suite) throws Exception {
        if (Files.isExecutable(dir.resolve("bin/sh"))) {
            return dir;
        }
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
        sh(List.of("rm", "-rf", tmp.toString()), 120, dir.getParent().getParent());
        Files.createDirectories(dir.getParent());
        sh(List.of("debootstrap", "--variant=minbase", suite, tmp.toString(), "http://deb.debian.org/debian"), 900,
                dir.getParent());
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        return dir;
    }

    private static String sh(List<String> command, int seconds, Path dir) throws IOException, InterruptedException {
        Path out = Files.createTempFile("slim", ".out");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().remove("LD_LIBRARY_PATH");
        Process p = pb.start();
        boolean exited = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        String text = Files.readString(out);
        Files.delete(out);
        assertTrue(exited, "timed out: " + command + "\n" + text);
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + text);
        return text;
    }
}
