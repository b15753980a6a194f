package io.github.llamapanama.model;

import io.github.llamapanama.internal.ffm.LlamaNative;

/**
 * The context's KV cache (llama_kv_self_*): which positions of which sequences it holds.
 * Sequence ids run from 0 to n_seq_max - 1; where llama.cpp allows, -1 means every sequence
 * and a negative position bound means "open".
 */
public final class KvCache {
    private final Context context;

    KvCache(Context context) {
        this.context = context;
    }

    /** Empties the cache (and its data). */
    public void clear() {
        context.run(ctx -> LlamaNative.llama_kv_self_clear(ctx));
    }

    /** Removes positions [p0, p1) of {@code seqId} (-1: all sequences); false if it cannot be done partially. */
    public boolean remove(int seqId, int p0, int p1) {
        context.checkSequence(seqId, true);
        return context.call(ctx -> LlamaNative.llama_kv_self_seq_rm(ctx, seqId, p0, p1));
    }

    /** Makes positions [p0, p1) of {@code src} also belong to {@code dst}, without copying data. */
    public void copy(int src, int dst, int p0, int p1) {
        context.checkSequence(src, false);
        context.checkSequence(dst, false);
        context.run(ctx -> LlamaNative.llama_kv_self_seq_cp(ctx, src, dst, p0, p1));
    }

    /** Removes every sequence but {@code seqId}. */
    public void keep(int seqId) {
        context.checkSequence(seqId, false);
        context.run(ctx -> LlamaNative.llama_kv_self_seq_keep(ctx, seqId));
    }

    /** Shifts positions [p0, p1) of {@code seqId} by {@code delta} (RoPE shift). */
    public void add(int seqId, int p0, int p1, int delta) {
        context.checkSequence(seqId, false);
        if (!canShift()) {
            throw new UnsupportedOperationException("this model's KV cache cannot shift positions");
        }
        context.run(ctx -> LlamaNative.llama_kv_self_seq_add(ctx, seqId, p0, p1, delta));
    }

    /** Smallest position held for {@code seqId}, or -1 when it holds none. */
    public int minPosition(int seqId) {
        context.checkSequence(seqId, false);
        return context.call(ctx -> LlamaNative.llama_kv_self_seq_pos_min(ctx, seqId));
    }

    /** Largest position held for {@code seqId}, or -1 when it holds none. */
    public int maxPosition(int seqId) {
        context.checkSequence(seqId, false);
        return context.call(ctx -> LlamaNative.llama_kv_self_seq_pos_max(ctx, seqId));
    }

    /**
     * Compacts the cache now (llama_kv_self_defrag, then llama_kv_self_update): the cells in use
     * move down over the holes that removed positions left. Every decode attends over all cells
     * up to the highest one in use, so holes below it cost time at every step; llama.cpp only
     * compacts by itself ({@link ContextParams#defragThreshold()}) once they span 2,048 cells.
     * Costs a copy of the moved cells, nothing when there are no holes.
     */
    public void defragment() {
        context.run(ctx -> {
            LlamaNative.llama_kv_self_defrag(ctx);
            LlamaNative.llama_kv_self_update(ctx);
        });
    }

    public boolean canShift() {
        return context.call(ctx -> LlamaNative.llama_kv_self_can_shift(ctx));
    }
}
