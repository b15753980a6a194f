package io.github.llamapanama.cli;

import io.github.llamapanama.gguf.GgufFileType;
import io.github.llamapanama.gguf.GgufType;
import io.github.llamapanama.model.QuantizeParams;
import io.github.llamapanama.model.Quantizer;
import io.github.llamapanama.vision.ProjectorConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "quantize", description = "Convert or quantize a model file, as llama-quantize does "
        + "(Q8_0, Q6_K, Q4_K_M, Q4_0, IQ3_M, BF16, F16, ...), or a projector (mmproj) to F16, BF16, Q8_0 or Q4_0.")
final class QuantizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN.gguf")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT.gguf")
    Path output;

    @Parameters(index = "2", paramLabel = "TYPE", description = "the file type, e.g. Q8_0, Q4_K_M, IQ3_M, BF16")
    String type;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "threads (default: all cores)")
    int threads;

    @Option(names = "--embeddings-type", paramLabel = "TYPE",
            description = "output and token embeddings in this tensor type (e.g. f16, bf16), as the model card's mixes")
    String embeddingsType;

    @Option(names = "--allow-requantize", description = "quantize an already quantized file again")
    boolean allowRequantize;

    @Option(names = "--pure", description = "every tensor in TYPE, no mix")
    boolean pure;

    @Override
    public Integer call() throws Exception {
        boolean projector;
        try (io.github.llamapanama.gguf.GgufFile gguf = io.github.llamapanama.gguf.GgufFile.open(input)) {
            projector = "clip".equals(gguf.architecture().orElse(""));
        }
        if (projector) { // llama_model_quantize reads models only
            GgufType target = Arrays.stream(GgufType.values()).filter(g -> g.name().equalsIgnoreCase(type)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("a projector converts to F16, BF16, Q8_0 or Q4_0, not " + type));
            long t0 = System.nanoTime();
            ProjectorConverter.Result r = ProjectorConverter.convert(input, output, target);
            System.out.printf(Locale.ROOT, "%s -> %s (%s): %d matrices converted%s, %.1f MiB in %.1f s%n",
                    input.getFileName(), output, target, r.converted(), r.exact() ? " exactly" : "", sizeMiB(output),
                    (System.nanoTime() - t0) / 1e9);
            return 0;
        }
        GgufFileType fileType = Arrays.stream(GgufFileType.values())
                .filter(t -> t.label().equalsIgnoreCase(type)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown file type '" + type + "'; one of "
                        + Arrays.stream(GgufFileType.values()).map(GgufFileType::label).toList()));
        QuantizeParams params = QuantizeParams.of(fileType).withThreads(threads);
        if (embeddingsType != null) {
            GgufType t = Arrays.stream(GgufType.values())
                    .filter(g -> g.name().equalsIgnoreCase(embeddingsType)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown tensor type '" + embeddingsType + "'"));
            params = params.withEmbeddingsIn(t);
        }
        if (allowRequantize) {
            params = params.allowingRequantize();
        }
        if (pure) {
            params = params.pureType();
        }
        boolean terminal = System.console() != null;
        long t0 = System.nanoTime();
        Quantizer.quantize(input, output, params, (done, total) -> {
            if (terminal) {
                System.err.printf(Locale.ROOT, "\rquantizing: %d/%d tensors", done, total);
            }
        });
        if (terminal) {
            System.err.println();
        }
        System.out.printf(Locale.ROOT, "%s -> %s (%s): %.1f MiB in %.1f s%n", input.getFileName(), output,
                fileType.label(), sizeMiB(output), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static double sizeMiB(Path file) {
        try {
            return Files.size(file) / (1024.0 * 1024.0);
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
    }
}
