package io.github.llamapanama.model;

import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.llama_context_params;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * llama_context_params. {@link #defaults()} takes llama_context_default_params, except threads:
 * llama.cpp's default is 4, which oversubscribes small machines, so the default here is the
 * number of available processors; and the defragmentation threshold, 0.1 as in llama.cpp's own
 * tools (common_params), where the library's default disables it.
 *
 * @param contextSize    n_ctx: KV cache size in tokens; 0 = the model's training context
 * @param batchSize      n_batch: most tokens one {@link Context#decode} call may submit
 * @param ubatchSize     n_ubatch: physical batch size for compute
 * @param maxSequences   n_seq_max: distinct sequences (parallel conversations) in the cache
 * @param threads        threads for generation
 * @param batchThreads   threads for prompt processing
 * @param flashAttention use flash attention
 * @param embeddings     extract embeddings instead of logits
 * @param pooling        pooling of embeddings
 * @param typeK          K cache type
 * @param typeV          V cache type (quantized types need flash attention)
 * @param offloadKqv     keep the KV cache and attention on the GPU
 * @param noPerf         skip performance timing
 * @param defragThreshold defrag_thold: compact the KV cache when holes exceed this fraction of
 *                       the cells in use (checked once they span 2,048 or more); {@code <= 0} never.
 *                       Many sequences that come and go (a server's slots) leave holes, and
 *                       every decode attends over all cells up to the highest one in use.
 */
public record ContextParams(int contextSize, int batchSize, int ubatchSize, int maxSequences,
                            int threads, int batchThreads, boolean flashAttention, boolean embeddings,
                            PoolingType pooling, KvCacheType typeK, KvCacheType typeV, boolean offloadKqv,
                            boolean noPerf, float defragThreshold) {

    /** llama.cpp's tools' defrag_thold (common_params), the default here and in the server. */
    public static final float TOOLS_DEFRAG_THRESHOLD = 0.1f;

    public ContextParams {
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(typeK, "typeK");
        Objects.requireNonNull(typeV, "typeV");
        positive("batchSize", batchSize);
        positive("ubatchSize", ubatchSize);
        positive("maxSequences", maxSequences);
        positive("threads", threads);
        positive("batchThreads", batchThreads);
        if (contextSize < 0) {
            throw new IllegalArgumentException("contextSize must be >= 0 (0 = the model's), was " + contextSize);
        }
        if (Float.isNaN(defragThreshold)) {
            throw new IllegalArgumentException("defragThreshold must be a number (<= 0 disables it), was NaN");
        }
        if (typeV.isQuantized() && !flashAttention) {
            throw new IllegalArgumentException("a quantized V cache (" + typeV + ") needs flashAttention");
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, was " + v);
        }
    }

    public static ContextParams defaults() {
        // natives first, outside the holder's initialiser: a load failure stays a NativeLoadException
        // (not an ExceptionInInitializerError, then NoClassDefFoundError on every later call)
        NativeRuntime.ensureInitialized();
        return Defaults.VALUE;
    }

    public static Builder builder() {
        return new Builder(defaults());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    MemorySegment toNative(Arena arena) {
        MemorySegment p = LlamaNative.llama_context_default_params(arena);
        llama_context_params.n_ctx(p, contextSize);
        llama_context_params.n_batch(p, batchSize);
        llama_context_params.n_ubatch(p, ubatchSize);
        llama_context_params.n_seq_max(p, maxSequences);
        llama_context_params.n_threads(p, threads);
        llama_context_params.n_threads_batch(p, batchThreads);
        llama_context_params.flash_attn(p, flashAttention);
        llama_context_params.embeddings(p, embeddings);
        llama_context_params.pooling_type(p, pooling.value);
        llama_context_params.type_k(p, typeK.ggmlType);
        llama_context_params.type_v(p, typeV.ggmlType);
        llama_context_params.offload_kqv(p, offloadKqv);
        llama_context_params.no_perf(p, noPerf);
        llama_context_params.defrag_thold(p, defragThreshold);
        return p;
    }

    private static final class Defaults {
        static final ContextParams VALUE;

        static {
            NativeRuntime.ensureInitialized();
            int cpus = Runtime.getRuntime().availableProcessors();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment p = LlamaNative.llama_context_default_params(arena);
                VALUE = new ContextParams(llama_context_params.n_ctx(p), llama_context_params.n_batch(p),
                        llama_context_params.n_ubatch(p), llama_context_params.n_seq_max(p), cpus, cpus,
                        llama_context_params.flash_attn(p), llama_context_params.embeddings(p),
                        PoolingType.of(llama_context_params.pooling_type(p)),
                        KvCacheType.of(llama_context_params.type_k(p)), KvCacheType.of(llama_context_params.type_v(p)),
                        llama_context_params.offload_kqv(p), llama_context_params.no_perf(p), TOOLS_DEFRAG_THRESHOLD);
            }
        }
    }

    public static final class Builder {
        private int contextSize, batchSize, ubatchSize, maxSequences, threads, batchThreads;
        private boolean flashAttention, embeddings, offloadKqv, noPerf;
        private float defragThreshold;
        private PoolingType pooling;
        private KvCacheType typeK, typeV;

        private Builder(ContextParams p) {
            contextSize = p.contextSize;
            batchSize = p.batchSize;
            ubatchSize = p.ubatchSize;
            maxSequences = p.maxSequences;
            threads = p.threads;
            batchThreads = p.batchThreads;
            flashAttention = p.flashAttention;
            embeddings = p.embeddings;
            pooling = p.pooling;
            typeK = p.typeK;
            typeV = p.typeV;
            offloadKqv = p.offloadKqv;
            noPerf = p.noPerf;
            defragThreshold = p.defragThreshold;
        }

        public Builder contextSize(int n) { contextSize = n; return this; }
        public Builder batchSize(int n) { batchSize = n; return this; }
        public Builder ubatchSize(int n) { ubatchSize = n; return this; }
        public Builder maxSequences(int n) { maxSequences = n; return this; }
        /** Sets both generation and batch threads. */
        public Builder threads(int n) { threads = n; batchThreads = n; return this; }
        public Builder batchThreads(int n) { batchThreads = n; return this; }
        public Builder flashAttention(boolean on) { flashAttention = on; return this; }
        public Builder embeddings(boolean on) { embeddings = on; return this; }
        public Builder pooling(PoolingType type) { pooling = type; return this; }
        public Builder typeK(KvCacheType type) { typeK = type; return this; }
        public Builder typeV(KvCacheType type) { typeV = type; return this; }
        public Builder offloadKqv(boolean on) { offloadKqv = on; return this; }
        public Builder noPerf(boolean on) { noPerf = on; return this; }
        /** Holes over this fraction of the used cells compact the KV cache; {@code <= 0} never. */
        public Builder defragThreshold(float fraction) { defragThreshold = fraction; return this; }

        public ContextParams build() {
            return new ContextParams(contextSize, batchSize, ubatchSize, maxSequences, threads, batchThreads,
                    flashAttention, embeddings, pooling, typeK, typeV, offloadKqv, noPerf, defragThreshold);
        }
    }
}
