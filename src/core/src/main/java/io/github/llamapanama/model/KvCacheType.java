package io.github.llamapanama.model;

/** The ggml types llama.cpp accepts for the K and V caches, with their ggml_type ids. */
public enum KvCacheType {
    F32(0), F16(1), Q4_0(2), Q4_1(3), Q5_0(6), Q5_1(7), Q8_0(8), IQ4_NL(20), BF16(30);

    final int ggmlType;

    KvCacheType(int ggmlType) {
        this.ggmlType = ggmlType;
    }

    /** Quantized types; a quantized V cache needs flash attention. */
    public boolean isQuantized() {
        return this != F32 && this != F16 && this != BF16;
    }

    static KvCacheType of(int ggmlType) {
        for (KvCacheType t : values()) {
            if (t.ggmlType == ggmlType) {
                return t;
            }
        }
        throw new IllegalArgumentException("ggml_type " + ggmlType + " is not a KV cache type");
    }
}
