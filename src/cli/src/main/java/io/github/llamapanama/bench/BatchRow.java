package io.github.llamapanama.bench;

/**
 * Aggregate decode throughput with {@code sequences} parallel sequences.
 *
 * @param sequences  sequences decoded together, one token each per step
 * @param throughput tokens per second over all sequences, Java against llama-batched-bench
 */
public record BatchRow(int sequences, Comparison throughput) {
}
