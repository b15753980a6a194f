package io.github.llamapanama.bench;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The image test: one image and prompt through a vision projector, on the Java path and with
 * llama-mtmd-cli.
 *
 * @param mmproj    the projector (mmproj GGUF) for the benchmarked models
 * @param image     the image file; null for {@link BenchImage}'s picture, drawn into a temporary
 *                  file for the run
 * @param prompt    the user's text; the media marker is appended when it has none, as
 *                  llama-mtmd-cli does
 * @param genTokens tokens of the answer (end-of-generation tokens are banned on both sides)
 */
public record ImageSettings(Path mmproj, Path image, String prompt, int genTokens) {
    public static final String DEFAULT_PROMPT = "Describe this image.";
    public static final int FULL_GEN = 128;
    public static final int SHORT_GEN = 16;

    public ImageSettings {
        Objects.requireNonNull(mmproj, "mmproj");
        Objects.requireNonNull(prompt, "prompt");
        if (genTokens < 2) {
            throw new IllegalArgumentException("the image test needs an answer of >= 2 tokens to time a decode, was "
                    + genTokens);
        }
    }

    public ImageSettings withImage(Path file) {
        return new ImageSettings(mmproj, file, prompt, genTokens);
    }
}
