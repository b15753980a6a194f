package io.github.llamapanama.leak;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.InputChunks;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.ProjectorParams;

import javax.management.ObjectName;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs load/close cycles in a JVM started with the malloc counter preloaded
 * ({@code src/testkit/src/test/native/malloc_counter.c}) and native memory tracking on, and prints what is
 * still allocated after the cycles, per library, and the Java layer's off-heap memory (NMT's
 * "Other": Unsafe/FFM arenas). Lines: {@code @@LIB name bytesPerCycle countPerCycle}.
 */
public final class LeakProbe {
    private static MethodHandle libs, name, bytes, count, enable;

    public static void main(String[] args) throws Throwable {
        Path counter = Path.of(args[0]);
        String kind = args[1];
        int warmup = Integer.parseInt(args[2]);
        int cycles = Integer.parseInt(args[3]);
        Linker linker = Linker.nativeLinker();
        SymbolLookup lookup = SymbolLookup.libraryLookup(counter, Arena.global());
        libs = linker.downcallHandle(lookup.find("mc_libs").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        name = linker.downcallHandle(lookup.find("mc_lib_name").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        bytes = linker.downcallHandle(lookup.find("mc_lib_live_bytes").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        count = linker.downcallHandle(lookup.find("mc_lib_live_count").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        enable = linker.downcallHandle(lookup.find("mc_enable").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));

        Path modelFile = Fixtures.tinyQwen2();
        Path mmproj = Fixtures.tinyInternVlMmproj();
        byte[] rgb = new byte[64 * 48 * 3];
        for (int i = 0; i < warmup; i++) {
            cycle(kind, modelFile, mmproj, rgb);
        }
        System.gc();
        long otherBefore = nmtOther();
        enable.invokeExact(1);
        Map<String, long[]> before = snapshot();
        try (Model open = Model.load(modelFile)) { // the counter sees what a loaded model holds
            Map<String, long[]> loaded = snapshot();
            for (Map.Entry<String, long[]> e : loaded.entrySet()) {
                long[] b = before.getOrDefault(e.getKey(), new long[2]);
                System.out.printf("@@OPEN %s %d %d%n", e.getKey(), e.getValue()[0] - b[0], e.getValue()[1] - b[1]);
            }
        }
        for (int i = 0; i < cycles; i++) {
            cycle(kind, modelFile, mmproj, rgb);
        }
        System.gc();
        Thread.sleep(200);
        Map<String, long[]> after = snapshot();
        enable.invokeExact(0);
        long otherAfter = nmtOther();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            System.out.printf("@@LIB %s %.1f %.2f%n", e.getKey(), (e.getValue()[0] - b[0]) / (double) cycles,
                    (e.getValue()[1] - b[1]) / (double) cycles);
        }
        System.out.printf("@@JAVA %.1f%n", (otherAfter - otherBefore) / (double) cycles);
        System.exit(0);
    }

    private static void cycle(String kind, Path modelFile, Path mmproj, byte[] rgb) {
        try (Model model = Model.load(modelFile)) {
            if (kind.equals("model")) {
                try (Context c = model.newContext(ContextParams.builder().contextSize(128).threads(1).build())) {
                    c.contextSize();
                }
                return;
            }
            try (Projector p = Projector.load(mmproj, model, ProjectorParams.defaults().withThreads(1));
                 Bitmap image = Bitmap.ofRgb(64, 48, rgb);
                 InputChunks chunks = p.tokenize(p.mediaMarker() + "\nhi", List.of(image), true);
                 Context c = model.newContext(ContextParams.builder().contextSize(512).batchSize(512).threads(1).build())) {
                if (kind.equals("full")) {
                    p.evaluate(c, chunks, 0, 0);
                }
            }
        }
    }

    private static Map<String, long[]> snapshot() throws Throwable {
        Map<String, long[]> m = new TreeMap<>();
        int n = (int) libs.invokeExact();
        for (int i = 0; i < n; i++) {
            MemorySegment s = (MemorySegment) name.invokeExact(i);
            String lib = s.reinterpret(256).getString(0);
            m.merge(lib, new long[] {(long) bytes.invokeExact(i), (long) count.invokeExact(i)},
                    (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        }
        return m;
    }

    /** NMT's committed "Other" (Unsafe.allocateMemory, hence FFM arenas), in bytes; -1 without NMT. */
    static long nmtOther() {
        try {
            String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary", "scale=b"}}, new String[] {String[].class.getName()});
            Matcher m = Pattern.compile("-\\s+Other \\(reserved=(\\d+)B?, committed=(\\d+)").matcher(out);
            return m.find() ? Long.parseLong(m.group(2)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }
}
