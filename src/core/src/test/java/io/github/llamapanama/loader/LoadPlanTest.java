package io.github.llamapanama.loader;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** File names and load order on each platform, including the two that do not run here. */
class LoadPlanTest {
    private static final NativePlatform LINUX = NativePlatform.of("Linux", "amd64");
    private static final NativePlatform MAC = NativePlatform.of("Mac OS X", "aarch64");
    private static final NativePlatform WINDOWS = NativePlatform.of("Windows 11", "amd64");

    /** natives.properties as stage-natives.cmake writes it for a backend-module build. */
    private static NativesIndex variantIndex(NativePlatform p, List<String> variants, String... gpu) {
        List<String> libs = List.of("ggml-base", "ggml", "llama", "mtmd", "llama-panama").stream()
                .map(p::libraryFile).toList();
        List<String> backends = new java.util.ArrayList<>(variants.stream()
                .map(v -> p.backendModuleFile("ggml-cpu" + (v.isEmpty() ? "" : "-" + v))).toList());
        for (String g : gpu) {
            backends.add(p.backendModuleFile(g));
        }
        StringBuilder text = new StringBuilder("classifier=" + p.classifier() + "\n");
        libs.forEach(l -> text.append("sha256.").append(l).append("=00\n"));
        backends.forEach(b -> text.append("sha256.").append(b).append("=00\n"));
        text.append("load.order=").append(String.join(",", libs)).append('\n');
        text.append("backends=").append(String.join(",", backends)).append('\n');
        return NativesIndex.parse(text.toString());
    }

    @Test
    void linuxLoadsSharedObjectsAndRegistersTheBackendsAfterLibggml() {
        NativesIndex index = variantIndex(LINUX, List.of("x64", "haswell", "sapphirerapids"));
        LoadPlan plan = LoadPlan.of(LINUX, Path.of("/x"), index, f -> true);
        assertEquals(List.of("load libggml-base.so", "load libggml.so",
                "cpu [libggml-cpu-x64.so, libggml-cpu-haswell.so, libggml-cpu-sapphirerapids.so]",
                "load libllama.so", "load libmtmd.so", "load libllama-panama.so"), plan.steps());
        assertEquals(Optional.empty(), plan.dllDirectory(), "$ORIGIN RPATH: no search path to set");
        assertEquals("$ORIGIN RPATH", LINUX.dependencyResolution());
    }

    @Test
    void macosLoadsDylibsAndModulesWithCmakesSoSuffix() {
        NativesIndex index = variantIndex(MAC, List.of(""), "ggml-metal", "ggml-blas");
        LoadPlan plan = LoadPlan.of(MAC, Path.of("/x"), index, f -> true);
        assertEquals(List.of("load libggml-base.dylib", "load libggml.dylib",
                "backend libggml-metal.so", "backend libggml-blas.so", "cpu [libggml-cpu.so]",
                "load libllama.dylib", "load libmtmd.dylib", "load libllama-panama.dylib"), plan.steps());
        assertEquals("@loader_path RPATH", MAC.dependencyResolution());
        assertEquals(Optional.of(CpuVariants.GENERIC), CpuVariants.variantOf(MAC, "libggml-cpu.so"));
    }

    @Test
    void windowsLoadsDllsWithoutLibPrefixAfterAddingTheDirectory() {
        NativesIndex index = variantIndex(WINDOWS, List.of("x64", "haswell"), "ggml-cuda");
        Path dir = Path.of("C:/Users/u/.cache/llama-panama/extracted/k/windows-x86_64");
        LoadPlan plan = LoadPlan.of(WINDOWS, dir, index, f -> true);
        assertEquals(List.of("AddDllDirectory " + dir, "load ggml-base.dll", "load ggml.dll",
                "backend ggml-cuda.dll", "cpu [ggml-cpu-x64.dll, ggml-cpu-haswell.dll]",
                "load llama.dll", "load mtmd.dll", "load llama-panama.dll"), plan.steps());
        assertEquals(Optional.of("haswell"), CpuVariants.variantOf(WINDOWS, "ggml-cpu-haswell.dll"));
        assertEquals(Optional.empty(), CpuVariants.variantOf(WINDOWS, "libggml-cpu-haswell.so"));
    }

    @Test
    void windowsWideStringIsNulTerminatedUtf16() {
        byte[] w = WindowsDllDirectory.wide("C:\\é");
        assertEquals(10, w.length, "four UTF-16 units and a NUL");
        assertEquals('C', w[0]);
        assertEquals(0, w[1]);
        assertEquals((byte) 0xE9, w[6]);
        assertEquals(0, w[8]);
        assertEquals(0, w[9]);
    }

    @Test
    void aBuildWithoutBackendModulesLoadsItsCpuBackendInOrder() {
        NativesIndex index = NativesIndex.parse("""
                classifier=linux-x86_64
                load.order=libggml-base.so,libggml-cpu.so,libggml.so,libllama.so,libmtmd.so,libllama-panama.so
                """);
        LoadPlan plan = LoadPlan.of(LINUX, Path.of("/x"), index, f -> true);
        assertEquals(List.of("load libggml-base.so", "load libggml-cpu.so", "load libggml.so", "load libllama.so",
                "load libmtmd.so", "load libllama-panama.so"), plan.steps());
        assertTrue(plan.cpuModules().isEmpty());
    }

    @Test
    void withoutAnIndexTheDefaultOrderOfThePresentFilesIsUsed() {
        List<String> present = List.of("ggml-base.dll", "ggml-cpu.dll", "ggml.dll", "llama.dll", "mtmd.dll",
                "llama-panama.dll");
        LoadPlan plan = LoadPlan.of(WINDOWS, Path.of("D:/n"), null, present::contains);
        assertEquals(present, plan.libraries());
    }

    @Test
    void nativesOfAnotherPlatformAreRefusedWithTheReason() {
        NativesIndex linux = variantIndex(LINUX, List.of("x64"));
        NativeLoadException e = assertThrows(NativeLoadException.class,
                () -> LoadPlan.of(WINDOWS, Path.of("D:/n"), linux, f -> true));
        assertTrue(e.getMessage().contains("missing ggml-base.dll"), e.getMessage());
        assertTrue(e.getMessage().contains("another platform"), e.getMessage());
    }

    @Test
    void aMissingBackendModuleIsAnError() {
        NativesIndex index = variantIndex(LINUX, List.of("x64", "haswell"));
        NativeLoadException e = assertThrows(NativeLoadException.class,
                () -> LoadPlan.of(LINUX, Path.of("/x"), index, f -> !f.contains("haswell")));
        assertTrue(e.getMessage().contains("libggml-cpu-haswell.so"), e.getMessage());
    }
}
