package io.github.llamapanama.vision;

import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufFileType;
import io.github.llamapanama.gguf.GgufFormatException;
import io.github.llamapanama.gguf.GgufKeys;
import io.github.llamapanama.gguf.GgufTensorInfo;
import io.github.llamapanama.gguf.GgufType;
import io.github.llamapanama.gguf.GgufValue;
import io.github.llamapanama.gguf.GgufWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Converts a projector (mmproj) file to BF16, F16, Q8_0 or Q4_0, which llama-quantize at the pinned
 * commit cannot do. Only the matrices of the encoder's blocks and of the projection
 * ({@code v.blk.*.weight}, {@code mm.*.weight}, 2-d) change type, as llama.cpp's converter does:
 * the patch embedding stays F16 (a convolution kernel), position and class embeddings, norms,
 * biases and layer scales keep their types. Q8_0 and Q4_0 round as ggml's reference quantizers
 * do. Q4_0 is what the CPU's repacked kernels take (fix 9 in cmake/llama-cpp-fixes.cmake), and
 * where AMX is there, Q8_0 and Q4_0 both run on it.
 *
 * {@snippet :
 * ProjectorConverter.Result r = ProjectorConverter.convert(Path.of("mmproj-F16.gguf"),
 *         Path.of("mmproj-BF16.gguf"), GgufType.BF16);
 * System.out.println(r.converted() + " matrices, exact: " + r.exact());
 * }
 */
public final class ProjectorConverter {
    private static final Set<GgufType> TARGETS = Set.of(GgufType.F16, GgufType.BF16, GgufType.Q8_0, GgufType.Q4_0);
    private static final Set<GgufType> FLOATS = Set.of(GgufType.F32, GgufType.F16, GgufType.BF16);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int QK8_0 = 32;
    private static final int QK4_0 = 32;

    /**
     * @param converted matrices written in the new type
     * @param exact     whether every converted value is represented exactly (always false for Q8_0
     *                  and Q4_0;
     *                  F16 to BF16 is exact when the weights came from BF16)
     */
    public record Result(int converted, boolean exact) {}

    private ProjectorConverter() {}

    public static Result convert(Path input, Path output, GgufType target) {
        if (!TARGETS.contains(target)) {
            throw new IllegalArgumentException("a projector converts to F16, BF16, Q8_0 or Q4_0, not " + target);
        }
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the output would overwrite the input: " + input);
        }
        try (GgufFile in = GgufFile.open(input)) {
            if (!"clip".equals(in.architecture().orElse(""))) {
                throw new IllegalArgumentException(input.getFileName() + " is not a projector (general.architecture is "
                        + in.architecture().orElse("missing") + ", not clip)");
            }
            GgufWriter out = new GgufWriter();
            for (Map.Entry<String, GgufValue> e : in.metadata().entrySet()) {
                if (!e.getKey().equals(GgufKeys.GENERAL_FILE_TYPE)) {
                    out.put(e.getKey(), e.getValue());
                }
            }
            GgufFileType fileType = switch (target) {
                case F16 -> GgufFileType.MOSTLY_F16;
                case BF16 -> GgufFileType.MOSTLY_BF16;
                case Q4_0 -> GgufFileType.MOSTLY_Q4_0;
                default -> GgufFileType.MOSTLY_Q8_0;
            };
            out.put(GgufKeys.GENERAL_FILE_TYPE, GgufValue.uint32(fileType.id()));
            int converted = 0;
            boolean[] exact = {true};
            for (GgufTensorInfo t : in.tensors()) {
                MemorySegment data = in.tensorData(t);
                if (converts(t, target)) {
                    converted++;
                    out.addTensor(t.name(), target, t.shape(), sink -> {
                        float[] row = new float[Math.toIntExact(t.shape()[0])];
                        long rows = t.elementCount() / row.length;
                        byte[] block = new byte[2 + QK8_0];
                        for (long r = 0; r < rows; r++) {
                            for (int i = 0; i < row.length; i++) {
                                row[i] = read(data, t.type(), r * row.length + i);
                            }
                            if (target == GgufType.Q8_0) {
                                exact[0] = false;
                                for (int b = 0; b < row.length; b += QK8_0) {
                                    quantizeQ8_0(row, b, block);
                                    sink.putBytes(block, 0, block.length);
                                }
                            } else if (target == GgufType.Q4_0) {
                                exact[0] = false;
                                for (int b = 0; b < row.length; b += QK4_0) {
                                    quantizeQ4_0(row, b, block);
                                    sink.putBytes(block, 0, 2 + QK4_0 / 2);
                                }
                            } else {
                                for (float v : row) {
                                    if (exact[0] && !representable(v, target)) {
                                        exact[0] = false;
                                    }
                                    sink.putFloat(v);
                                }
                            }
                        }
                    });
                } else {
                    out.addTensor(t.name(), t.type(), t.shape(), sink -> {
                        byte[] bytes = data.toArray(ValueLayout.JAVA_BYTE);
                        sink.putBytes(bytes, 0, bytes.length);
                    });
                }
            }
            Path tmp = output.resolveSibling(output.getFileName() + ".part");
            out.write(tmp);
            Files.move(tmp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new Result(converted, exact[0]);
        } catch (GgufFormatException e) {
            throw new IllegalArgumentException("not a valid GGUF file: " + input + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("converting " + input + " to " + output + ": " + e.getMessage(), e);
        }
    }

    /** The encoder's and projection's matrices; the rest keeps its type. */
    static boolean converts(GgufTensorInfo t, GgufType target) {
        boolean matrix = t.shape().length == 2 && t.name().endsWith(".weight")
                && (t.name().startsWith("v.blk.") || t.name().startsWith("mm."));
        return matrix && FLOATS.contains(t.type()) && t.type() != target
                && (target != GgufType.Q8_0 || t.shape()[0] % QK8_0 == 0)
                && (target != GgufType.Q4_0 || t.shape()[0] % QK4_0 == 0);
    }

    private static float read(MemorySegment data, GgufType type, long i) {
        return switch (type) {
            case F32 -> data.getAtIndex(FLOAT, i);
            case F16 -> Float.float16ToFloat(data.getAtIndex(SHORT, i));
            default -> Float.intBitsToFloat((data.getAtIndex(SHORT, i) & 0xffff) << 16);
        };
    }

    /** Whether {@code v} is exactly a value of {@code target} (BF16 or F16). */
    static boolean representable(float v, GgufType target) {
        return target == GgufType.BF16 ? (Float.floatToRawIntBits(v) & 0xffff) == 0
                : Float.float16ToFloat(Float.floatToFloat16(v)) == v || Float.isNaN(v);
    }

    /** One Q8_0 block as ggml's quantize_row_q8_0_ref writes it: an F16 scale, 32 signed bytes. */
    static void quantizeQ8_0(float[] x, int from, byte[] block) {
        float amax = 0;
        for (int j = 0; j < QK8_0; j++) {
            amax = Math.max(amax, Math.abs(x[from + j]));
        }
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        short h = Float.floatToFloat16(d);
        block[0] = (byte) h;
        block[1] = (byte) (h >> 8);
        for (int j = 0; j < QK8_0; j++) {
            float v = x[from + j] * id;
            block[2 + j] = (byte) (int) (Math.signum(v) * Math.floor(Math.abs(v) + 0.5f)); // roundf
        }
    }

    /**
     * One Q4_0 block as ggml's quantize_row_q4_0_ref writes it: an F16 scale (the value of largest
     * magnitude over -8), then 16 bytes, value j in the low nibble of byte j and value j + 16 in
     * its high nibble, each offset by 8.
     */
    static void quantizeQ4_0(float[] x, int from, byte[] block) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < QK4_0; j++) {
            float v = x[from + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        short h = Float.floatToFloat16(d);
        block[0] = (byte) h;
        block[1] = (byte) (h >> 8);
        for (int j = 0; j < QK4_0 / 2; j++) {
            int lo = Math.min(15, (int) (x[from + j] * id + 8.5f)); // (int8_t) truncates, as in C
            int hi = Math.min(15, (int) (x[from + QK4_0 / 2 + j] * id + 8.5f));
            block[2 + j] = (byte) (lo | hi << 4);
        }
    }
}
