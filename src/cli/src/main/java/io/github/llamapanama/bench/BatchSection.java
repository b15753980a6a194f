package io.github.llamapanama.bench;

import java.util.List;

/**
 * The batch test: one context with n_seq_max sequences, each step decoding one token for every
 * sequence in one batch.
 *
 * @param promptTokens  prompt tokens per sequence before the steps
 * @param steps         generation steps timed
 * @param contextSize   n_ctx, shared by the sequences
 * @param rows          one per sequence count
 * @param javaScaling   Java throughput of the most sequences over that of the fewest
 * @param nativeScaling the same for llama-batched-bench; null without it
 * @param target        the goal for {@code javaScaling}
 * @param met           whether {@code javaScaling} meets it; null when not judged (no batch of one)
 */
public record BatchSection(int promptTokens, int steps, int contextSize, List<BatchRow> rows, Double javaScaling,
                           Double nativeScaling, Target target, Boolean met) {

    public BatchSection {
        rows = List.copyOf(rows);
    }
}
