package io.github.llamapanama.gguf;

import java.util.Optional;

/**
 * A ggml tensor type as stored in GGUF ({@code enum ggml_type} at llama.cpp ea1431b0), with its
 * block size (elements per block) and type size (bytes per block). Ids that ggml removed (4, 5,
 * 31-33, 36-38) have no constant: a file that uses one is rejected.
 */
public enum GgufType {
    F32(0, "f32", 1, 4),
    F16(1, "f16", 1, 2),
    Q4_0(2, "q4_0", 32, 18),
    Q4_1(3, "q4_1", 32, 20),
    Q5_0(6, "q5_0", 32, 22),
    Q5_1(7, "q5_1", 32, 24),
    Q8_0(8, "q8_0", 32, 34),
    Q8_1(9, "q8_1", 32, 36),
    Q2_K(10, "q2_K", 256, 84),
    Q3_K(11, "q3_K", 256, 110),
    Q4_K(12, "q4_K", 256, 144),
    Q5_K(13, "q5_K", 256, 176),
    Q6_K(14, "q6_K", 256, 210),
    Q8_K(15, "q8_K", 256, 292),
    IQ2_XXS(16, "iq2_xxs", 256, 66),
    IQ2_XS(17, "iq2_xs", 256, 74),
    IQ3_XXS(18, "iq3_xxs", 256, 98),
    IQ1_S(19, "iq1_s", 256, 50),
    IQ4_NL(20, "iq4_nl", 32, 18),
    IQ3_S(21, "iq3_s", 256, 110),
    IQ2_S(22, "iq2_s", 256, 82),
    IQ4_XS(23, "iq4_xs", 256, 136),
    I8(24, "i8", 1, 1),
    I16(25, "i16", 1, 2),
    I32(26, "i32", 1, 4),
    I64(27, "i64", 1, 8),
    F64(28, "f64", 1, 8),
    IQ1_M(29, "iq1_m", 256, 56),
    BF16(30, "bf16", 1, 2),
    TQ1_0(34, "tq1_0", 256, 54),
    TQ2_0(35, "tq2_0", 256, 66);

    /** {@code GGML_TYPE_COUNT}: ids at or above it are not ggml types. */
    public static final int COUNT = 39;

    private static final GgufType[] BY_ID = new GgufType[COUNT];

    static {
        for (GgufType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final String ggmlName;
    private final int blockSize;
    private final int typeSize;

    GgufType(int id, String ggmlName, int blockSize, int typeSize) {
        this.id = id;
        this.ggmlName = ggmlName;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    public int id() {
        return id;
    }

    /** The name {@code ggml_type_name} gives, which llama-quantize's type options accept too. */
    public String ggmlName() {
        return ggmlName;
    }

    /** Elements per block ({@code ggml_blck_size}). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block ({@code ggml_type_size}). */
    public int typeSize() {
        return typeSize;
    }

    public boolean isQuantized() {
        return blockSize > 1;
    }

    /**
     * Bytes of one row of {@code ne0} elements.
     *
     * @throws IllegalArgumentException if ne0 is negative or not a multiple of the block size
     * @throws ArithmeticException on overflow
     */
    public long rowSize(long ne0) {
        if (ne0 < 0 || ne0 % blockSize != 0) {
            throw new IllegalArgumentException(ne0 + " elements per row is not a multiple of "
                    + ggmlName + "'s block size " + blockSize);
        }
        return Math.multiplyExact(ne0 / blockSize, (long) typeSize);
    }

    /**
     * Bytes of a tensor of this type and shape (ne0 first), as {@code ggml_nbytes} counts them.
     *
     * @throws ArithmeticException on overflow
     */
    public long byteSize(long... shape) {
        long size = rowSize(shape.length == 0 ? 1 : shape[0]);
        for (int i = 1; i < shape.length; i++) {
            size = Math.multiplyExact(size, shape[i]);
        }
        return size;
    }

    public static Optional<GgufType> fromId(int id) {
        return id >= 0 && id < COUNT ? Optional.ofNullable(BY_ID[id]) : Optional.empty();
    }

    public static Optional<GgufType> fromGgmlName(String name) {
        for (GgufType t : values()) {
            if (t.ggmlName.equalsIgnoreCase(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
