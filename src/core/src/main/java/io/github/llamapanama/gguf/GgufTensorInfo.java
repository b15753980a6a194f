package io.github.llamapanama.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a GGUF tensor table.
 *
 * @param name     tensor name, as llama.cpp looks it up ({@code blk.0.attn_q.weight})
 * @param type     ggml type of the data
 * @param shape    elements per dimension, ne0 (the contiguous one) first; 1 to 4 dimensions
 * @param offset   where the data starts, relative to the file's data section
 * @param byteSize bytes of data ({@code ggml_nbytes}), without alignment padding
 */
public record GgufTensorInfo(String name, GgufType type, long[] shape, long offset, long byteSize) {

    public GgufTensorInfo {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int dimensions() {
        return shape.length;
    }

    /** Elements in dimension i, 1 beyond the stored dimensions (as ggml pads them). */
    public long dimension(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && t.name.equals(name) && t.type == type
                && Arrays.equals(t.shape, shape) && t.offset == offset && t.byteSize == byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape), offset, byteSize);
    }

    @Override
    public String toString() {
        return name + " " + type.ggmlName() + Arrays.toString(shape) + " @" + offset + "+" + byteSize;
    }
}
