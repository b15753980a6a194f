package io.github.llamapanama.generation;

import java.util.List;

/**
 * What ends a generation and how its text is rendered.
 *
 * @param maxTokens      most tokens to generate; -1 = until the context is full
 * @param stopStrings    text that ends the generation; it is matched across token boundaries
 *                       and never emitted
 * @param stopAtEndOfGeneration end at the model's end-of-generation tokens (EOS, EOT, ...)
 * @param renderSpecial  render special tokens (e.g. {@code <|im_end|>}) as text
 */
public record GenerationParams(int maxTokens, List<String> stopStrings, boolean stopAtEndOfGeneration,
                               boolean renderSpecial) {

    public GenerationParams {
        if (maxTokens < -1 || maxTokens == 0) {
            throw new IllegalArgumentException("maxTokens must be >= 1, or -1 for no limit; was " + maxTokens);
        }
        stopStrings = List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a stop string must not be empty");
            }
        }
    }

    public static GenerationParams defaults() {
        return new GenerationParams(-1, List.of(), true, false);
    }

    public static GenerationParams maxTokens(int n) {
        return defaults().withMaxTokens(n);
    }

    public GenerationParams withMaxTokens(int n) {
        return new GenerationParams(n, stopStrings, stopAtEndOfGeneration, renderSpecial);
    }

    public GenerationParams withStopStrings(String... stops) {
        return new GenerationParams(maxTokens, List.of(stops), stopAtEndOfGeneration, renderSpecial);
    }

    public GenerationParams withStopAtEndOfGeneration(boolean on) {
        return new GenerationParams(maxTokens, stopStrings, on, renderSpecial);
    }

    public GenerationParams withRenderSpecial(boolean on) {
        return new GenerationParams(maxTokens, stopStrings, stopAtEndOfGeneration, on);
    }
}
