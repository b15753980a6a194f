package io.github.llamapanama.loader;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuVariantsTest {
    private static final NativePlatform LINUX = NativePlatform.of("Linux", "amd64");
    private static final List<String> MODULES = List.of("libggml-cpu-x64.so", "libggml-cpu-sse42.so",
            "libggml-cpu-haswell.so", "libggml-cpu-skylakex.so", "libggml-cpu-sapphirerapids.so");
    /** ggml_backend_score on an AVX2 machine without AVX-512: the AVX-512 variants score 0. */
    private static final Map<String, Integer> AVX2_MACHINE = Map.of("libggml-cpu-x64.so", 1,
            "libggml-cpu-sse42.so", 3, "libggml-cpu-haswell.so", 107, "libggml-cpu-skylakex.so", 0,
            "libggml-cpu-sapphirerapids.so", 0);

    @Test
    void picksTheHighestScoreAsGgmlDoes() {
        CpuVariants.Choice c = CpuVariants.choose(LINUX, MODULES, Optional.empty(), AVX2_MACHINE::get);
        assertEquals(new CpuVariants.Choice("libggml-cpu-haswell.so", "haswell", 107), c);
    }

    @Test
    void equalScoresKeepTheFirst() {
        CpuVariants.Choice c = CpuVariants.choose(LINUX, MODULES, Optional.empty(), f -> 5);
        assertEquals("x64", c.variant());
    }

    @Test
    void aForcedVariantIsLoadedEvenWhenABetterOneExists() {
        CpuVariants.Choice c = CpuVariants.choose(LINUX, MODULES, Optional.of("x64"), AVX2_MACHINE::get);
        assertEquals("libggml-cpu-x64.so", c.file());
    }

    @Test
    void aForcedVariantThisCpuCannotRunIsRefusedInsteadOfCrashing() {
        NativeLoadException e = assertThrows(NativeLoadException.class,
                () -> CpuVariants.choose(LINUX, MODULES, Optional.of("sapphirerapids"), AVX2_MACHINE::get));
        assertTrue(e.getMessage().contains("needs instructions this CPU lacks"), e.getMessage());
    }

    @Test
    void anUnknownForcedVariantListsTheAvailableOnes() {
        NativeLoadException e = assertThrows(NativeLoadException.class,
                () -> CpuVariants.choose(LINUX, MODULES, Optional.of("zen9"), AVX2_MACHINE::get));
        assertTrue(e.getMessage().contains("[x64, sse42, haswell, skylakex, sapphirerapids]"), e.getMessage());
    }

    @Test
    void noRunnableVariantIsAnError() {
        assertThrows(NativeLoadException.class, () -> CpuVariants.choose(LINUX, MODULES, Optional.empty(), f -> 0));
    }

    @Test
    void variantNamesComeFromTheModuleFileNames() {
        assertEquals(Optional.of("alderlake"), CpuVariants.variantOf(LINUX, "libggml-cpu-alderlake.so"));
        assertEquals(Optional.of(CpuVariants.GENERIC), CpuVariants.variantOf(LINUX, "libggml-cpu.so"));
        assertEquals(Optional.empty(), CpuVariants.variantOf(LINUX, "libggml-vulkan.so"));
        assertEquals(List.of("libggml-cpu-x64.so"),
                CpuVariants.cpuModules(LINUX, List.of("libggml-cpu-x64.so", "libggml-cuda.so")));
    }
}
