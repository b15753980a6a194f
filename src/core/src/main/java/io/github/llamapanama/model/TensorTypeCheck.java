package io.github.llamapanama.model;

import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufTensorInfo;
import io.github.llamapanama.gguf.GgufType;

import java.util.EnumSet;
import java.util.Set;

/**
 * Tensor types the CPU backend aborts on. llama.cpp's loader checks every tensor's shape against
 * the hyperparameters but not its type, and ggml-cpu ends the process
 * ({@code binary_op: unsupported types}) when a bias or norm weight is not F32, or when a weight
 * matrix has an integer or F64 type that matrix multiplication cannot take. Converters and
 * llama-quantize keep every one-dimensional tensor at F32, so real files pass.
 */
final class TensorTypeCheck {
    /**
     * Types no weight may have: ggml_mul_mat, ggml_get_rows and the binary ops take none of them
     * (Q8_1 and Q8_K exist only as the activations' side of a quantized dot product).
     */
    static final Set<GgufType> NEVER = EnumSet.of(GgufType.I8, GgufType.I16, GgufType.I32, GgufType.I64, GgufType.F64,
            GgufType.Q8_1, GgufType.Q8_K);

    private TensorTypeCheck() {}

    static void check(GgufFile gguf) {
        for (GgufTensorInfo t : gguf.tensors()) {
            if (NEVER.contains(t.type())) {
                throw new ModelLoadException("tensor '" + t.name() + "' has type " + t.type().ggmlName()
                        + ", which llama.cpp's CPU kernels do not take for weights");
            }
            if (isLookupTable(t.name()) && t.dimensions() > 2 && t.dimension(2) != 1) {
                // The loader probes each weight's op before it checks shapes: ggml_get_rows with a
                // 1-D index asserts a->ne[2] == 1 (ggml.c GGML_ASSERT(a->ne[2] == b->ne[1])).
                throw new ModelLoadException("tensor '" + t.name() + "' has shape " + java.util.Arrays.toString(t.shape())
                        + ": a lookup table (ggml_get_rows) must be two-dimensional");
            }
            if (isVector(t) && t.type() != GgufType.F32) {
                throw new ModelLoadException("tensor '" + t.name() + "' is a vector (a bias or norm weight) of type "
                        + t.type().ggmlName() + ": llama.cpp adds and multiplies it only as F32");
            }
        }
    }

    /** Tensors llama.cpp's loader probes with GGML_OP_GET_ROWS (llama-arch.cpp's LLM_TENSOR_INFOS). */
    private static boolean isLookupTable(String name) {
        return name.equals("token_embd.weight") || name.equals("position_embd.weight")
                || name.equals("token_embd_norm.weight") || name.equals("token_types.weight")
                || (name.startsWith("enc.blk.") || name.startsWith("dec.blk.")) && name.contains(".attn_rel_b");
    }

    private static boolean isVector(GgufTensorInfo t) {
        for (int d = 1; d < t.dimensions(); d++) {
            if (t.dimension(d) != 1) {
                return false;
            }
        }
        return true;
    }
}
