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
 * @param reference llama.cpp's own llama-mtmd-cli built from the unpatched pinned tree with
 *                  GGML_NATIVE=ON ({@code build-native.sh --reference}): the encode reference of
 *                  issue #23; null when there is none
 */
public record ImageSettings(Path mmproj, Path image, String prompt, int genTokens, NativeTools reference) {
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

    public ImageSettings(Path mmproj, Path image, String prompt, int genTokens) {
        this(mmproj, image, prompt, genTokens, null);
    }

    public ImageSettings withImage(Path file) {
        return new ImageSettings(mmproj, file, prompt, genTokens, reference);
    }

    /** The encode reference to time beside llama-mtmd-cli of this build; null for none. */
    public ImageSettings withReference(NativeTools tools) {
        return new ImageSettings(mmproj, image, prompt, genTokens, tools);
    }
}
