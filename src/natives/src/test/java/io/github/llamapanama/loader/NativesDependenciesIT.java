package io.github.llamapanama.loader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the Linux natives jar needs from the system: glibc (2.34 at the newest) and the C++
 * runtime that every Debian or Ubuntu system has (apt itself needs libstdc++ and libgcc_s). Every
 * other {@code NEEDED} entry names a file of the jar: OpenMP comes bundled, so slim container
 * images without libgomp run it. The newest glibc symbol version is printed and may not grow.
 */
class NativesDependenciesIT {
    private static final Set<String> SYSTEM = Set.of("libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0",
            "librt.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libstdc++.so.6", "libgcc_s.so.1");
    /** Debian 12's, Ubuntu 22.04's and RHEL 9's glibc run it: a build that needs more is a regression. */
    private static final int[] NEWEST_GLIBC = {2, 34};
    private static final Pattern NEEDED = Pattern.compile("^\\s*NEEDED\\s+(\\S+)$", Pattern.MULTILINE);
    private static final Pattern GLIBC_VERSION = Pattern.compile("GLIBC_(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    @Test
    void needsNothingButGlibcAndTheCxxRuntime(@TempDir Path dir) throws Exception {
        assumeTrue(System.getProperty("natives.classifier", "").startsWith("linux-"), "Linux natives");
        Path jar = Path.of(System.getProperty("natives.jar"));
        List<Path> libs = new ArrayList<>();
        Set<String> inJar = new TreeSet<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            for (var e : j.stream().filter(e -> e.getName().contains(".so")).toList()) {
                Path out = dir.resolve(Path.of(e.getName()).getFileName().toString());
                try (var in = j.getInputStream(e)) {
                    Files.copy(in, out);
                }
                libs.add(out);
                inJar.add(out.getFileName().toString());
            }
        }
        assertTrue(inJar.contains("libllama.so"), "libraries in " + jar + ": " + inJar);
        TreeMap<String, List<String>> foreign = new TreeMap<>();
        int[] newest = {0, 0};
        String newestLib = "";
        for (Path lib : libs) {
            Matcher m = NEEDED.matcher(objdump("-p", lib));
            while (m.find()) {
                String needed = m.group(1);
                if (!inJar.contains(needed) && !SYSTEM.contains(needed)) {
                    foreign.computeIfAbsent(needed, k -> new ArrayList<>()).add(lib.getFileName().toString());
                }
            }
            Matcher v = GLIBC_VERSION.matcher(objdump("-T", lib));
            while (v.find()) {
                int major = Integer.parseInt(v.group(1));
                int minor = Integer.parseInt(v.group(2));
                if (major > newest[0] || (major == newest[0] && minor > newest[1])) {
                    newest[0] = major;
                    newest[1] = minor;
                    newestLib = lib.getFileName().toString();
                }
            }
        }
        System.out.println("natives jar " + jar.getFileName() + ": newest glibc symbol version GLIBC_" + newest[0] + "."
                + newest[1] + " (" + newestLib + ")");
        assertEquals(new TreeMap<>(), foreign, "libraries the natives need from the system besides glibc and libstdc++");
        assertTrue(newest[0] < NEWEST_GLIBC[0] || (newest[0] == NEWEST_GLIBC[0] && newest[1] <= NEWEST_GLIBC[1]),
                newestLib + " needs GLIBC_" + newest[0] + "." + newest[1]);
    }

    private static String objdump(String flag, Path lib) throws Exception {
        Process p = new ProcessBuilder("objdump", flag, lib.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
