package io.github.llamapanama.cli;

import io.github.llamapanama.Llama;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.ModelParams;
import io.github.llamapanama.vision.ProjectorParams;
import picocli.CommandLine.Option;

import java.lang.System.Logger.Level;
import java.nio.file.Path;

/** Context, thread, GPU and logging options shared by the commands that run a model. */
final class RuntimeOptions {
    @Option(names = {"-c", "--ctx"}, defaultValue = "4096", description = "context size in tokens (default ${DEFAULT-VALUE})")
    int contextSize;

    @Option(names = {"-t", "--threads"}, description = "threads (default: available processors)")
    Integer threads;

    @Option(names = {"-ngl", "--gpu-layers"}, defaultValue = "0", description = "layers to offload to the GPU, -1 for all")
    int gpuLayers;

    @Option(names = {"-v", "--verbose"}, description = "show llama.cpp's and mtmd's log")
    boolean verbose;

    Model load(Path model) {
        if (verbose) {
            Llama.setLogLevel(Level.INFO);
        }
        return Model.load(model, ModelParams.builder().gpuLayers(gpuLayers).build());
    }

    ContextParams contextParams() {
        return contextParams(1);
    }

    ContextParams contextParams(int sequences) {
        ContextParams.Builder b = ContextParams.builder().contextSize(contextSize).maxSequences(sequences);
        if (threads != null) {
            b.threads(threads);
        }
        return b.build();
    }

    @Option(names = "--no-bf16-projector", description = "keep an F16 projector's weights in F16 even where the CPU "
            + "has BF16 dot products and the conversion is exact")
    boolean noBf16Projector;

    @Option(names = "--no-extra-buffer-types", description = "keep a projector's matrices in the default CPU buffer,"
            + " not in the CPU's extra buffer types (AMX, repacked Q4_0/Q4_K)")
    boolean noExtraBufferTypes;

    ProjectorParams projectorParams() {
        ProjectorParams p = ProjectorParams.defaults().withVerbose(verbose).withUseGpu(gpuLayers != 0)
                .withBf16(!noBf16Projector).withExtraBufferTypes(!noExtraBufferTypes);
        return threads != null ? p.withThreads(threads) : p;
    }
}
