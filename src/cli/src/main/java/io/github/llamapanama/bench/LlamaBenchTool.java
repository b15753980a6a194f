package io.github.llamapanama.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs llama-bench for one pp or tg test ({@code -p N -n 0} or {@code -p 0 -n N}) with the
 * context settings the Java side uses, and checks that it ran with them.
 */
final class LlamaBenchTool {
    static final String NAME = "llama-bench";
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final NativeTools tools;

    LlamaBenchTool(NativeTools tools) {
        this.tools = tools;
    }

    /** The pp test: {@code nPrompt} prompt tokens, {@code reps} timed repetitions. */
    LlamaBenchResult prompt(Path model, int nPrompt, int threads, int reps) {
        return run(model, nPrompt, 0, threads, reps);
    }

    /** The tg test: {@code nGen} generated tokens, {@code reps} timed repetitions. */
    LlamaBenchResult generation(Path model, int nGen, int threads, int reps) {
        return run(model, 0, nGen, threads, reps);
    }

    static List<String> arguments(Path model, int nPrompt, int nGen, int threads, int reps) {
        List<String> args = new ArrayList<>(List.of("-m", model.toString(), "-p", String.valueOf(nPrompt),
                "-n", String.valueOf(nGen), "-t", String.valueOf(threads), "-r", String.valueOf(reps),
                "-fa", LlamaBenchDefaults.FLASH_ATTN ? "1" : "0", "-o", "json"));
        args.addAll(LlamaBenchDefaults.toolArguments());
        return args;
    }

    private LlamaBenchResult run(Path model, int nPrompt, int nGen, int threads, int reps) {
        List<LlamaBenchResult> tests = LlamaBenchParser.parse(
                tools.run(NAME, arguments(model, nPrompt, nGen, threads, reps), TIMEOUT));
        if (tests.size() != 1) {
            throw new IllegalStateException(NAME + " ran " + tests.size() + " tests, expected 1: " + tests);
        }
        LlamaBenchResult r = tests.getFirst();
        if (r.nPrompt() != nPrompt || r.nGen() != nGen || r.nThreads() != threads
                || r.nBatch() != LlamaBenchDefaults.N_BATCH || r.nUbatch() != LlamaBenchDefaults.N_UBATCH
                || !r.typeK().equalsIgnoreCase(LlamaBenchDefaults.TYPE_K.name())
                || !r.typeV().equalsIgnoreCase(LlamaBenchDefaults.TYPE_V.name())
                || r.flashAttn() != LlamaBenchDefaults.FLASH_ATTN) {
            throw new IllegalStateException(NAME + " did not run the requested test: " + r);
        }
        return r;
    }
}
