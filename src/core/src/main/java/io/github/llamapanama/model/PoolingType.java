package io.github.llamapanama.model;

/** llama_pooling_type: how token embeddings become one embedding per sequence. */
public enum PoolingType {
    /** the model's own choice */
    UNSPECIFIED(-1),
    NONE(0),
    MEAN(1),
    CLS(2),
    LAST(3),
    /** reranking: a score per sequence */
    RANK(4);

    final int value;

    PoolingType(int value) {
        this.value = value;
    }

    static PoolingType of(int value) {
        for (PoolingType t : values()) {
            if (t.value == value) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown llama_pooling_type " + value);
    }
}
