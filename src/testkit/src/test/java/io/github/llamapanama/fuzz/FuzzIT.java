package io.github.llamapanama.fuzz;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CI-sized fuzz run: 1,000 mutated models, 300 mutated projectors, 1,000 mutated images
 * through Bitmap.decode and 100 through the server, each in a child JVM; once with the fixed
 * seed 1, so that a regression shows up on the same cases, and once with a fresh seed, so that
 * every CI run explores cases no run saw before. Each prints its seed with its result, and a
 * crash the seed and case number that reproduce it ({@code -Dfuzz.seed=S} reruns a fresh seed's
 * run). Not one case may crash or hang the child, and none may end in a Java exception other
 * than a LlamaException.
 */
class FuzzIT {
    static final long FIXED_SEED = 1;

    @Test
    void noMutationCrashesOrHangsWithTheFixedSeed() throws Exception {
        run(FIXED_SEED, "fixed");
    }

    @Test
    void noMutationCrashesOrHangsWithAFreshSeed() throws Exception {
        String given = System.getProperty("fuzz.seed", "");
        run(given.isBlank() ? Fuzzer.freshSeed() : Long.parseLong(given.trim()), given.isBlank() ? "fresh" : "given");
    }

    private static void run(long seed, String which) throws Exception {
        double scale = Double.parseDouble(System.getProperty("fuzz.scale", "1")); // to try the harness quickly
        Fuzzer.Options o = Fuzzer.Options.ci(Path.of("target", "fuzz")).scaled(scale)
                .withSeed(seed, Path.of("target", "fuzz", "seed-" + seed));
        System.out.println("fuzz: " + which + " seed " + seed);
        Fuzzer.Report r = Fuzzer.run(o);
        String summary = "fuzz: " + which + " seed " + seed + " (rerun with -Dfuzz.seed=" + seed + ")\n" + r.summary();
        System.out.print(summary);
        assertEquals(0, r.total("crash"), summary);
        assertEquals(0, r.total("hang"), summary);
        assertTrue(r.unexpected().isEmpty(), summary);
        assertTrue(r.total("ok") > 0 && r.total("refused") > 0, "the mutations must reach both outcomes: " + summary);
    }
}
