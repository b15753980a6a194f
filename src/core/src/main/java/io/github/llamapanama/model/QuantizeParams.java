package io.github.llamapanama.model;

import io.github.llamapanama.gguf.GgufFileType;
import io.github.llamapanama.gguf.GgufType;

import java.util.Objects;
import java.util.Optional;

/**
 * How {@link Quantizer} writes a model, as llama-quantize's options: the file type (the mix of
 * tensor types llama.cpp chooses for it: Q8_0, Q6_K, Q4_K_M, IQ3_M, BF16, ...), threads (0: all
 * cores), the output and token-embedding tensors' types (llama-quantize's
 * {@code --output-tensor-type}, {@code --token-embedding-type}; empty: the mix's choice), whether
 * an already quantized input may be quantized again, and {@code pure} (every tensor in the file
 * type, no mix).
 */
public record QuantizeParams(GgufFileType fileType, int threads, Optional<GgufType> outputTensorType,
                             Optional<GgufType> tokenEmbeddingType, boolean allowRequantize, boolean pure) {

    public QuantizeParams {
        Objects.requireNonNull(fileType, "fileType");
        Objects.requireNonNull(outputTensorType, "outputTensorType");
        Objects.requireNonNull(tokenEmbeddingType, "tokenEmbeddingType");
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0: all cores), got " + threads);
        }
    }

    /** {@code fileType} with llama-quantize's defaults. */
    public static QuantizeParams of(GgufFileType fileType) {
        return new QuantizeParams(fileType, 0, Optional.empty(), Optional.empty(), false, false);
    }

    public QuantizeParams withThreads(int n) {
        return new QuantizeParams(fileType, n, outputTensorType, tokenEmbeddingType, allowRequantize, pure);
    }

    /** Output and token embeddings in {@code type} (the model card's "F16/BF16 output + Q8_0" files). */
    public QuantizeParams withEmbeddingsIn(GgufType type) {
        return new QuantizeParams(fileType, threads, Optional.of(type), Optional.of(type), allowRequantize, pure);
    }

    public QuantizeParams allowingRequantize() {
        return new QuantizeParams(fileType, threads, outputTensorType, tokenEmbeddingType, true, pure);
    }

    public QuantizeParams pureType() {
        return new QuantizeParams(fileType, threads, outputTensorType, tokenEmbeddingType, allowRequantize, true);
    }
}
