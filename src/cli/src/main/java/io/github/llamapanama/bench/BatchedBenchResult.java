package io.github.llamapanama.bench;

/**
 * One line of llama-batched-bench's {@code --output-format jsonl}: {@code pl} sequences, each
 * with a {@code pp}-token prompt, then {@code tg} steps that decode one token per sequence.
 *
 * @param pp         prompt tokens per sequence
 * @param tg         generation steps
 * @param pl         parallel sequences
 * @param nKv        KV cells the shape needs
 * @param nThreads   generation threads
 * @param promptSeconds     time of the prompts
 * @param promptSpeed       prompt tokens per second, all sequences together
 * @param generationSeconds time of the generation steps
 * @param generationSpeed   generated tokens per second, all sequences together (pl * tg / time)
 */
public record BatchedBenchResult(int pp, int tg, int pl, int nKv, int nThreads, double promptSeconds,
                                 double promptSpeed, double generationSeconds, double generationSpeed) {
}
