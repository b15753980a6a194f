package io.github.llamapanama.model;

import io.github.llamapanama.LlamaException;
import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufFileType;
import io.github.llamapanama.gguf.GgufFormatException;
import io.github.llamapanama.gguf.GgufTensorInfo;
import io.github.llamapanama.gguf.GgufType;
import io.github.llamapanama.internal.LogBridge;
import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.llama_model_quantize_params;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts and quantizes a model file, as llama-quantize does: {@code llama_model_quantize} of the
 * same build, so the output is the file llama-quantize writes with the same options.
 *
 * {@snippet :
 * Quantizer.quantize(Path.of("model-BF16.gguf"), Path.of("model-Q8_0.gguf"),
 *         QuantizeParams.of(GgufFileType.MOSTLY_Q8_0),
 *         (done, total) -> System.err.printf("\r%d/%d tensors", done, total));
 * }
 */
public final class Quantizer {
    /** llama.cpp logs a line per tensor: "[  12/ 290]  blk.0.attn_q.weight - ...". */
    private static final Pattern TENSOR = Pattern.compile("\\[\\s*(\\d+)/\\s*(\\d+)]");
    /** The file types llama_model_quantize writes without an importance matrix at this commit. */
    private static final Set<GgufFileType> NEED_IMATRIX = EnumSet.of(GgufFileType.MOSTLY_IQ2_XXS,
            GgufFileType.MOSTLY_IQ2_XS, GgufFileType.MOSTLY_IQ2_S, GgufFileType.MOSTLY_IQ1_S,
            GgufFileType.MOSTLY_IQ1_M);

    private Quantizer() {}

    /**
     * Writes {@code input} to {@code output} in {@code params}' file type. {@code progress} gets
     * (tensors done, tensors in all) as llama.cpp goes; it may be null.
     *
     * @throws ModelLoadException the input is not a model file llama.cpp may read
     * @throws LlamaException     llama.cpp refused, with its reason
     */
    public static void quantize(Path input, Path output, QuantizeParams params, BiConsumer<Integer, Integer> progress) {
        Model.checkGgufFile(input);
        if (NEED_IMATRIX.contains(params.fileType())) {
            throw new IllegalArgumentException(params.fileType().label() + " needs an importance matrix, which this"
                    + " API does not take; use llama-imatrix and llama-quantize");
        }
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the output would overwrite the input: " + input);
        }
        Path dir = output.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IllegalArgumentException("cannot write " + output + ": no writable directory " + dir);
        }
        if (!params.allowRequantize() && isQuantized(input)) {
            throw new IllegalArgumentException(input.getFileName() + " is already quantized: quantizing it again"
                    + " loses quality; pass allowingRequantize() to do it anyway");
        }
        NativeRuntime.ensureInitialized();
        StringBuilder pending = new StringBuilder();
        LogBridge.beginCapture();
        if (progress != null) {
            LogBridge.beginListening(piece -> {
                pending.append(piece);
                Matcher m = TENSOR.matcher(pending);
                int end = 0;
                while (m.find()) {
                    progress.accept(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
                    end = m.end();
                }
                pending.delete(0, end > 0 ? end : Math.max(0, pending.length() - 32));
            });
        }
        int rc;
        String log;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = LlamaNative.llama_model_quantize_default_params(arena);
            llama_model_quantize_params.ftype(p, params.fileType().id());
            llama_model_quantize_params.nthread(p, params.threads());
            params.outputTensorType().ifPresent(t -> llama_model_quantize_params.output_tensor_type(p, t.id()));
            params.tokenEmbeddingType().ifPresent(t -> llama_model_quantize_params.token_embedding_type(p, t.id()));
            llama_model_quantize_params.allow_requantize(p, params.allowRequantize());
            llama_model_quantize_params.pure(p, params.pure());
            rc = LlamaNative.llama_model_quantize(arena.allocateFrom(input.toString()),
                    arena.allocateFrom(output.toString()), p);
        } finally {
            LogBridge.endListening();
            log = LogBridge.endCapture();
        }
        if (rc != 0) {
            throw new LlamaException("llama.cpp could not quantize " + input.getFileName() + " to "
                    + params.fileType().label() + (log.isEmpty() ? "" : ": " + log.replace('\n', ' ')));
        }
    }

    /** Whether any tensor of the file is in a block-quantized type. */
    private static boolean isQuantized(Path input) {
        try (GgufFile gguf = GgufFile.open(input)) {
            for (GgufTensorInfo t : gguf.tensors()) {
                if (t.type().blockSize() > 1) { // block-quantized: Q8_0, Q4_K, IQ3_S, ...
                    return true;
                }
            }
            return false;
        } catch (GgufFormatException | IOException e) {
            throw new ModelLoadException("cannot read " + input + ": " + e.getMessage(), e);
        }
    }
}
