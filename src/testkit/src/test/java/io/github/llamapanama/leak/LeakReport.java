package io.github.llamapanama.leak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the malloc counter ({@code src/testkit/src/test/native/malloc_counter.c}, with the system C compiler)
 * and runs {@link LeakProbe} under it in a child JVM: native bytes still allocated per load/close
 * cycle, per library, and the Java layer's off-heap bytes per cycle (NMT).
 *
 * {@snippet lang=sh :
 * mvn -q test-compile exec:java@leaks -Dexec.args="full 3 20"
 * }
 */
public final class LeakReport {
    /** Per-cycle figures of one run: library -> {bytes, allocations}; "java" -> {bytes, 0}. */
    public record Figures(Map<String, double[]> perCycle, Map<String, long[]> whileLoaded) {}

    private LeakReport() {}

    public static Path buildCounter(Path dir) throws IOException, InterruptedException {
        Path src = Path.of(System.getProperty("llama.panama.root", "../.."),
                "src", "testkit", "src", "test", "native", "malloc_counter.c").toAbsolutePath();
        Files.createDirectories(dir);
        Path lib = dir.resolve("libmalloc_counter.so").toAbsolutePath();
        Process p = new ProcessBuilder("cc", "-O2", "-shared", "-fPIC", "-o", lib.toString(), src.toString(), "-ldl",
                "-lpthread").inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("cc could not build " + src);
        }
        return lib;
    }

    public static Figures run(Path counter, String kind, int warmup, int cycles, String classPath)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:NativeMemoryTracking=summary", "-Xmx256m", "-cp", classPath));
        for (String prop : List.of("llama.panama.cache", "llama.panama.natives")) {
            if (System.getProperty(prop) != null) {
                cmd.add("-D" + prop + "=" + System.getProperty(prop));
            }
        }
        cmd.addAll(List.of(LeakProbe.class.getName(), counter.toString(), kind, "" + warmup, "" + cycles));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("LD_PRELOAD", counter.toString());
        Process p = pb.start();
        Map<String, double[]> perCycle = new LinkedHashMap<>();
        Map<String, long[]> open = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                String[] f = l.split(" ");
                switch (f[0]) {
                    case "@@LIB" -> perCycle.put(f[1], new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])});
                    case "@@OPEN" -> open.put(f[1], new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                    case "@@JAVA" -> perCycle.put("java (NMT Other)", new double[] {Double.parseDouble(f[1]), 0});
                    default -> { }
                }
            }
        }
        if (p.waitFor() != 0) {
            throw new IOException("the leak probe failed with exit code " + p.exitValue());
        }
        return new Figures(perCycle, open);
    }

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "full";
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int cycles = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Path counter = buildCounter(Path.of("target", "leak"));
        String cp = io.github.llamapanama.fuzz.Fuzzer.classPath();
        Figures f = run(counter, kind, warmup, cycles, cp);
        System.out.printf("%s cycles (%d after %d warm-up): native memory still allocated, per cycle%n", kind, cycles, warmup);
        System.out.printf("%-24s %14s %12s %16s%n", "library", "bytes/cycle", "allocs/cycle", "held while open");
        f.perCycle().forEach((lib, v) -> System.out.printf("%-24s %14.1f %12.2f %16s%n", lib, v[0], v[1],
                f.whileLoaded().containsKey(lib) ? f.whileLoaded().get(lib)[0] + " B" : ""));
    }
}
