package io.github.llamapanama.generation;

/**
 * The outcome of a finished generation.
 *
 * @param text   the generated text, without stop strings ("" for the streaming callback form)
 * @param tokens the generated tokens, including a final end-of-generation token if one ended it
 */
public record GenerationResult(String text, int[] tokens, FinishReason finishReason, GenerationStats stats) {}
