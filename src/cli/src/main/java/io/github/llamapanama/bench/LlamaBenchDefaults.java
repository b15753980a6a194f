package io.github.llamapanama.bench;

import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.KvCacheType;

import java.util.List;

/**
 * The context settings of llama-bench's cmd_params_defaults (tools/llama-bench/llama-bench.cpp
 * at b5582): n_batch 2048, n_ubatch 512, F16 K and V caches, no flash attention. The Java runs
 * use them, and the native runs are given them explicitly, so that both sides agree even if a
 * later llama-bench changes its defaults. (llama-bench also sets swa_full = false, which only
 * matters for sliding-window models; Qwen2 has none.) Unlike llama-bench, the Java contexts keep
 * llama.cpp's perf counters on, which costs a clock read per decode: they time the same decodes
 * from inside, and the difference to the Java wall time is what the Java layer adds.
 */
final class LlamaBenchDefaults {
    static final int N_BATCH = 2048;
    static final int N_UBATCH = 512;
    static final KvCacheType TYPE_K = KvCacheType.F16;
    static final KvCacheType TYPE_V = KvCacheType.F16;
    static final boolean FLASH_ATTN = false;

    private LlamaBenchDefaults() {}

    /** A context as llama-bench's to_llama_cparams makes it, for {@code contextSize} tokens. */
    static ContextParams context(int contextSize, int threads, int maxSequences) {
        return ContextParams.builder().contextSize(contextSize).batchSize(N_BATCH).ubatchSize(N_UBATCH)
                .maxSequences(maxSequences).threads(threads).typeK(TYPE_K).typeV(TYPE_V)
                .flashAttention(FLASH_ATTN).noPerf(false).build();
    }

    /** The same settings as llama-bench and llama-batched-bench arguments. */
    static List<String> toolArguments() {
        return List.of("-b", String.valueOf(N_BATCH), "-ub", String.valueOf(N_UBATCH),
                "-ctk", TYPE_K.name().toLowerCase(java.util.Locale.ROOT),
                "-ctv", TYPE_V.name().toLowerCase(java.util.Locale.ROOT));
    }
}
