package io.github.llamapanama.bench;

/**
 * The full Java generation path (Generator, greedy sampler, detokenizing), which llama-bench
 * has no counterpart for.
 *
 * @param test               what was measured, e.g. "tg128 + greedy"
 * @param java               tokens per second
 * @param ratioToJavaDecode  this over the Java tg figure: what sampling and the loop cost
 * @param ratioToNativeDecode this over llama-bench's tg figure; null without it
 */
public record SamplingFigure(String test, Summary java, Double ratioToJavaDecode, Double ratioToNativeDecode) {
}
