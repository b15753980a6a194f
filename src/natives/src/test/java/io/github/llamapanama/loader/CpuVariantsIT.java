package io.github.llamapanama.loader;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.fixtures.QuantFormat;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU variants of the backend-module build (build-native.sh's default), each in its own JVM:
 * the one ggml scores best for this CPU, and the x64 baseline and haswell forced by
 * -Dllama.panama.cpu.variant, decode the fixtures to the same greedy tokens.
 */
class CpuVariantsIT {
    private static final List<String> X86_VARIANTS = List.of("x64", "sse42", "sandybridge", "haswell",
            "skylakex", "icelake", "alderlake", "cooperlake", "zen4", "sapphirerapids");
    private static final int TOKENS = 16;

    /**
     * Largest |logit| difference at the prompt accepted between variants: their kernels add in
     * different orders (scalar, AVX2, AVX-512). Measured here, x64 against haswell: 0.0044 at F16,
     * 0.116 at Q8_0 (activations quantized per block, then float sums in another order); the
     * greedy tokens agreed in every case.
     */
    private static final double F16_TOLERANCE = 0.02;
    private static final double Q8_0_TOLERANCE = 0.25;

    private static void sameGreedyTokens(Path model, double tolerance) throws Exception {
        ProbeRun best = ProbeRun.of(model, 0, TOKENS).requireSuccess();
        String chosen = best.value("variant");
        assertTrue(X86_VARIANTS.contains(chosen), "a CPU variant module was chosen: " + best.output());
        assertEquals("CPU", best.value("backends"), best.output());
        for (String forced : List.of("x64", "haswell")) {
            ProbeRun run = ProbeRun.of(model, 0, TOKENS, "-Dllama.panama.cpu.variant=" + forced).requireSuccess();
            assertEquals(forced, run.value("variant"), run.output());
            double diff = ProbeRun.maxPromptLogitDiff(best, run);
            System.out.printf("%s: %s vs %s: tokens %s / %s, max |logit diff| at the prompt %.3g%n",
                    model.getFileName(), chosen, forced, best.value("tokens"), run.value("tokens"), diff);
            assertEquals(best.value("tokens"), run.value("tokens"),
                    forced + " vs " + chosen + " (max prompt logit diff " + diff + ")");
            assertTrue(diff < tolerance, forced + " vs " + chosen + ": prompt logits differ by " + diff);
        }
    }

    @Test
    void x64AndHaswellGiveTheBestVariantsGreedyTokensAtF16() throws Exception {
        sameGreedyTokens(Fixtures.tinyQwen2(), F16_TOLERANCE);
    }

    @Test
    void x64AndHaswellGiveTheBestVariantsGreedyTokensAtQ8_0() throws Exception {
        sameGreedyTokens(Fixtures.tinyQwen2(QuantFormat.Q8_0), Q8_0_TOLERANCE);
    }

    @Test
    void anUnknownVariantIsAnErrorThatListsTheVariants() throws Exception {
        ProbeRun run = ProbeRun.of(null, 0, 0, "-Dllama.panama.cpu.variant=zen9");
        assertNotEquals(0, run.exit());
        assertTrue(run.output().contains("CPU variant 'zen9'"), run.output());
        assertTrue(run.output().contains("haswell"), run.output());
    }

    @Test
    void anAvx512VariantOnACpuWithoutAvx512IsRefusedNotACrash() throws Exception {
        String flags = java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("flags")).findFirst().orElse("");
        org.junit.jupiter.api.Assumptions.assumeFalse(flags.contains(" avx512f"),
                "this CPU has AVX-512: every variant but sapphirerapids' AMX may run here");
        ProbeRun run = ProbeRun.of(null, 0, 0, "-Dllama.panama.cpu.variant=skylakex");
        assertNotEquals(0, run.exit());
        assertTrue(run.output().contains("needs instructions this CPU lacks"), run.output());
        assertTrue(!run.output().contains("SIGILL") && !run.output().contains("hs_err"), run.output());
    }
}
