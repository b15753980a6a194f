package io.github.llamapanama.cli;

import io.github.llamapanama.hub.DownloadListener;
import io.github.llamapanama.hub.HfHub;
import io.github.llamapanama.hub.HfRepo;
import io.github.llamapanama.hub.ModelPair;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Where the model and projector come from: files given with --model/--mmproj, or a Hugging Face
 * repo (--hf, default InternVL3-1B-Instruct Q8_0 from ggml-org), downloaded on first use.
 */
final class ModelSource {
    @Option(names = {"-m", "--model"}, paramLabel = "FILE.gguf", description = "the language model")
    Path model;

    @Option(names = "--mmproj", paramLabel = "FILE.gguf", description = "the vision projector for --model")
    Path mmproj;

    @Option(names = "--hf", paramLabel = "REPO[:QUANT]",
            description = "Hugging Face repo to download from (default ggml-org/InternVL3-1B-Instruct-GGUF:Q8_0)")
    String hf;

    @Option(names = "--offline", description = "use only files already in the Hugging Face cache")
    boolean offline;

    /** The model and projector, downloading them when no --model is given. */
    ModelPair resolve(boolean needProjector) {
        if (model != null) {
            if (needProjector && mmproj == null) {
                throw new IllegalArgumentException("--model needs --mmproj for images");
            }
            return new ModelPair(model, mmproj);
        }
        if (mmproj != null) {
            throw new IllegalArgumentException("--mmproj needs --model");
        }
        HfHub hub = HfHub.builder().offline(offline).listener(DownloadListener.console()).build();
        return hub.resolveVisionModel(hf == null ? HfHub.INTERNVL3_1B : HfRepo.parse(hf));
    }
}
