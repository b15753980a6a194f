package io.github.llamapanama.sampling;

import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.llama_token_data;
import io.github.llamapanama.internal.ffm.llama_token_data_array;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A llama_token_data_array and its candidates, allocated once and reused for every sample, so
 * that sampling from Java allocates nothing on the Java heap. Samplers may move {@code data}
 * forward (xtc) and shrink {@code size}, so results are read back through the struct.
 */
final class TokenBuffer {
    private static final long ENTRY = llama_token_data.sizeof();
    private static final long ID = llama_token_data.id$offset();
    private static final long LOGIT = llama_token_data.logit$offset();
    private static final long P = llama_token_data.p$offset();
    private static final long DATA = llama_token_data_array.data$offset();
    private static final long SIZE = llama_token_data_array.size$offset();
    private static final long SELECTED = llama_token_data_array.selected$offset();
    private static final long SORTED = llama_token_data_array.sorted$offset();
    /** All of memory, to read what a native pointer points at without a segment per read. */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    final MemorySegment array;
    private final MemorySegment data;
    private final int capacity;

    TokenBuffer(Arena arena, int capacity) {
        this.capacity = capacity;
        this.array = llama_token_data_array.allocate(arena);
        this.data = llama_token_data.allocateArray(capacity, arena);
    }

    int capacity() {
        return capacity;
    }

    /** The candidates themselves: {@code capacity} llama_token_data. */
    MemorySegment data() {
        return data;
    }

    /**
     * Copies logits in as candidates 0..n-1 and resets the array header.
     *
     * @return the index of the first NaN or +inf logit (which would break llama.cpp's sorting
     *         and softmax), or -1 if all are finite or -inf
     */
    int fill(float[] logits, int n) {
        int bad = -1;
        for (int i = 0; i < n; i++) {
            float v = logits[i];
            if ((v != v || v == Float.POSITIVE_INFINITY) && bad < 0) {
                bad = i;
            }
            put(i, v);
        }
        reset(n);
        return bad;
    }

    /** As {@link #fill(float[], int)}, from {@code n} floats at {@code offset} in {@code src}. */
    int fill(MemorySegment src, long offset, int n) {
        int bad = -1;
        for (int i = 0; i < n; i++) {
            float v = src.get(FLOAT, offset + 4L * i);
            if ((v != v || v == Float.POSITIVE_INFINITY) && bad < 0) {
                bad = i;
            }
            put(i, v);
        }
        reset(n);
        return bad;
    }

    /** As {@link #fill(float[], int)}, from native memory at {@code address}. */
    int fillFromAddress(long address, int n) {
        return fill(ALL, address, n);
    }

    private void put(int i, float logit) {
        long at = i * ENTRY;
        data.set(ValueLayout.JAVA_INT, at + ID, i);
        data.set(ValueLayout.JAVA_FLOAT, at + LOGIT, logit);
        data.set(ValueLayout.JAVA_FLOAT, at + P, 0f);
    }

    private void reset(int n) {
        array.set(ValueLayout.JAVA_LONG, DATA, data.address());
        array.set(ValueLayout.JAVA_LONG, SIZE, n);
        array.set(ValueLayout.JAVA_LONG, SELECTED, -1L);
        array.set(ValueLayout.JAVA_BOOLEAN, SORTED, false);
    }

    /** The selected candidate's index, or -1 if none is selected or it is out of range. */
    long selectedIndex() {
        long selected = array.get(ValueLayout.JAVA_LONG, SELECTED);
        long size = array.get(ValueLayout.JAVA_LONG, SIZE);
        return selected >= 0 && selected < size ? selected : -1;
    }

    /** Token id of candidate {@code index} (after the samplers reordered and trimmed them). */
    int token(long index) {
        return ALL.get(ValueLayout.JAVA_INT, array.get(ValueLayout.JAVA_LONG, DATA) + index * ENTRY + ID);
    }

    /**
     * True if {@code sampler} (a grammar) leaves {@code token} possible: what common_sampler
     * does to check a sampled token, on a one-candidate array. Only for one-entry buffers.
     */
    boolean allows(MemorySegment sampler, int token) {
        data.set(ValueLayout.JAVA_INT, ID, token);
        data.set(ValueLayout.JAVA_FLOAT, LOGIT, 1f);
        data.set(ValueLayout.JAVA_FLOAT, P, 0f);
        reset(1);
        LlamaNative.llama_sampler_apply(sampler, array);
        return data.get(ValueLayout.JAVA_FLOAT, LOGIT) != Float.NEGATIVE_INFINITY;
    }
}
