package io.github.llamapanama.hub;

import java.nio.file.Path;

/**
 * A vision model and its multimodal projector, as local files.
 *
 * @param model  the language model GGUF (the first part when the model is split)
 * @param mmproj the projector GGUF, for mtmd
 */
public record ModelPair(Path model, Path mmproj) {
}
