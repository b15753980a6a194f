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
 * What the Linux natives jar needs from the system. The portable build ({@code build-native.sh
 * --debian11}, what CI ships) needs glibc 2.28 at the newest and nothing else: the C++ runtime is
 * linked in, the OpenMP runtime bundled, and the four libm functions glibc 2.29 versioned anew are
 * bound to their old versions (native/glibc-2.28.h), so no {@code NEEDED} entry names a library
 * outside the jar but glibc's own. A developer build on this machine's glibc may need 2.34 and the
 * system's C++ runtime. {@code -Dnatives.glibc.max} sets another limit. The newest glibc symbol
 * version is printed.
 */
class NativesDependenciesIT {
    private static final Set<String> GLIBC = Set.of("libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0",
            "librt.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1");
    private static final Set<String> CXX_RUNTIME = Set.of("libstdc++.so.6", "libgcc_s.so.1");
    private static final Pattern NEEDED = Pattern.compile("^\\s*NEEDED\\s+(\\S+)$", Pattern.MULTILINE);
    private static final Pattern GLIBC_VERSION = Pattern.compile("GLIBC_(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    @Test
    void needsNothingButAnOldGlibc(@TempDir Path dir) throws Exception {
        assumeTrue(System.getProperty("natives.classifier", "").startsWith("linux-"), "Linux natives");
        Path jar = Path.of(System.getProperty("natives.jar"));
        List<Path> libs = new ArrayList<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            for (var e : j.stream().filter(e -> e.getName().contains(".so")).toList()) {
                Path out = dir.resolve(Path.of(e.getName()).getFileName().toString());
                try (var in = j.getInputStream(e)) {
                    Files.copy(in, out);
                }
                libs.add(out);
            }
        }
        assertTrue(libs.stream().anyMatch(l -> l.getFileName().toString().equals("libllama.so")), "libraries in " + jar + ": " + libs);
        check(jar.getFileName().toString(), libs, NativesJar.build(jar), Set.of());
    }

    /**
     * The Vulkan add-on as {@code build-native.sh --vulkan} staged it (CI builds it in the Debian 11
     * root too): the same limits, plus the system's Vulkan loader and the CPU jar's libggml-base.
     */
    @Test
    void theVulkanAddOnNeedsTheVulkanLoaderBesides() throws Exception {
        assumeTrue(System.getProperty("natives.classifier", "").startsWith("linux-"), "Linux natives");
        Path addOn = Path.of(System.getProperty("llama.panama.cache"), "natives",
                System.getProperty("natives.classifier") + "-vulkan");
        assumeTrue(System.getenv("CI") != null || Files.isRegularFile(addOn.resolve("natives.properties")),
                "no Vulkan add-on staged in " + addOn);
        List<Path> libs;
        try (var files = Files.list(addOn)) {
            libs = files.filter(f -> f.getFileName().toString().endsWith(".so")).sorted().toList();
        }
        String build = NativesIndex.read(addOn.resolve(NativesIndex.FILE)).build();
        assertEquals(List.of("libggml-vulkan.so"), libs.stream().map(l -> l.getFileName().toString()).toList());
        check(addOn.getFileName().toString(), libs, build, Set.of("libvulkan.so.1", "libggml-base.so"));
    }

    /** Asserts what {@code libs} need from outside themselves, and prints the newest glibc version. */
    private static void check(String what, List<Path> libs, String build, Set<String> alsoAllowed) throws Exception {
        // CI ships and tests the portable build: a developer build there is a mistake, not a pass.
        boolean portable = build.contains("static C++ runtime");
        assertTrue(portable || System.getenv("CI") == null, "CI packages the portable natives "
                + "(build-native.sh --debian11); " + what + " was built with: " + build);
        String max = System.getProperty("natives.glibc.max", portable ? "2.28" : "2.34");
        int[] limit = {Integer.parseInt(max.split("\\.")[0]), Integer.parseInt(max.split("\\.")[1])};
        Set<String> allowed = new TreeSet<>(GLIBC);
        allowed.addAll(alsoAllowed);
        libs.forEach(l -> allowed.add(l.getFileName().toString()));
        if (!portable) {
            allowed.addAll(CXX_RUNTIME);
        }
        TreeMap<String, List<String>> foreign = new TreeMap<>();
        int[] newest = {0, 0};
        String newestLib = "";
        for (Path lib : libs) {
            Matcher m = NEEDED.matcher(objdump("-p", lib));
            while (m.find()) {
                String needed = m.group(1);
                if (!allowed.contains(needed)) {
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
        System.out.println(what + " (" + build + "): newest glibc symbol version GLIBC_"
                + newest[0] + "." + newest[1] + " (" + newestLib + ")");
        assertEquals(new TreeMap<>(), foreign, "libraries " + what + " needs from the system besides " + allowed);
        assertTrue(newest[0] < limit[0] || (newest[0] == limit[0] && newest[1] <= limit[1]),
                newestLib + " needs GLIBC_" + newest[0] + "." + newest[1] + ", more than " + max);
    }

    private static String objdump(String flag, Path lib) throws Exception {
        Process p = new ProcessBuilder("objdump", flag, lib.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
