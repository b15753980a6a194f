package io.github.llamapanama.cli;

import io.github.llamapanama.Llama;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.ModelParams;
import io.github.llamapanama.sampling.SamplingParams;
import picocli.CommandLine.Option;

import java.lang.System.Logger.Level;
import java.nio.file.Path;

/** Options shared by the commands that run a model. */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE.gguf", description = "the model")
    Path model;

    @Option(names = {"-c", "--ctx"}, defaultValue = "4096", description = "context size in tokens (default ${DEFAULT-VALUE})")
    int contextSize;

    @Option(names = {"-t", "--threads"}, description = "threads (default: available processors)")
    Integer threads;

    @Option(names = {"-ngl", "--gpu-layers"}, defaultValue = "0", description = "layers to offload to the GPU, -1 for all")
    int gpuLayers;

    @Option(names = "--temp", defaultValue = "0.8", description = "temperature; 0 = greedy (default ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", defaultValue = "40")
    int topK;

    @Option(names = "--top-p", defaultValue = "0.95")
    float topP;

    @Option(names = "--min-p", defaultValue = "0.05")
    float minP;

    @Option(names = "--repeat-penalty", defaultValue = "1.0")
    float repeatPenalty;

    @Option(names = "--seed", description = "sampling seed (default: random)")
    Long seed;

    @Option(names = {"-v", "--verbose"}, description = "show llama.cpp's log")
    boolean verbose;

    Model load() {
        if (verbose) {
            Llama.setLogLevel(Level.INFO);
        }
        return Model.load(model, ModelParams.builder().gpuLayers(gpuLayers).build());
    }

    ContextParams contextParams() {
        ContextParams.Builder b = ContextParams.builder().contextSize(contextSize);
        if (threads != null) {
            b.threads(threads);
        }
        return b.build();
    }

    SamplingParams samplingParams() {
        SamplingParams.Builder b = SamplingParams.builder().temperature(temperature).topK(topK).topP(topP)
                .minP(minP).penaltyRepeat(repeatPenalty);
        if (seed != null) {
            b.seed(seed);
        }
        return b.build();
    }
}
