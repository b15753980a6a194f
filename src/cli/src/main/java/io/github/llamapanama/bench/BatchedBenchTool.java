package io.github.llamapanama.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Runs llama-batched-bench for one prompt length, one step count and several sequence counts. */
final class BatchedBenchTool {
    static final String NAME = "llama-batched-bench";
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final NativeTools tools;

    BatchedBenchTool(NativeTools tools) {
        this.tools = tools;
    }

    /** One line per entry of {@code sequences}, in that order. */
    List<BatchedBenchResult> run(Path model, int contextSize, int pp, int tg, List<Integer> sequences, int threads) {
        List<BatchedBenchResult> rows = BatchedBenchParser.parse(
                tools.run(NAME, arguments(model, contextSize, pp, tg, sequences, threads), TIMEOUT));
        if (rows.size() != sequences.size()) {
            throw new IllegalStateException(NAME + " reported " + rows.size() + " shapes for " + sequences
                    + " (does n_ctx " + contextSize + " hold them all?)");
        }
        return rows;
    }

    static List<String> arguments(Path model, int contextSize, int pp, int tg, List<Integer> sequences, int threads) {
        List<String> args = new java.util.ArrayList<>(List.of("-m", model.toString(), "-c", String.valueOf(contextSize),
                "-npp", String.valueOf(pp), "-ntg", String.valueOf(tg),
                "-npl", sequences.stream().map(String::valueOf).collect(Collectors.joining(",")),
                "-t", String.valueOf(threads), "--output-format", "jsonl"));
        args.addAll(LlamaBenchDefaults.toolArguments()); // flash attention is off unless -fa is given
        return args;
    }
}
