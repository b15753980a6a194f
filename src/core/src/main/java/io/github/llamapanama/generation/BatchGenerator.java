package io.github.llamapanama.generation;

import io.github.llamapanama.internal.LlamaPanamaNative;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.sampling.Sampler;

import java.util.List;
import java.util.Objects;

/**
 * Answers several independent prompts at once, one sequence each in one context: every step
 * decodes the next token of every running sequence in a single batch, so the model weights are
 * read once per step for all of them. Results come back in input order. Runs on the caller's
 * thread; jobs beyond n_seq_max wait for a free sequence. A thin driver of {@link ContinuousBatch}.
 */
public final class BatchGenerator {
    private final Context context;

    /** One prompt to answer; the batch works on a copy of {@code sampler}, which stays the caller's. */
    public record Job(ContinuousBatch.PromptEvaluator prompt, Sampler sampler, GenerationParams params) {
        public Job {
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(sampler, "sampler");
            Objects.requireNonNull(params, "params");
        }

        /** A text prompt, tokenized with BOS as the model wants and special tokens parsed. */
        public static Job ofText(String prompt, Sampler sampler, GenerationParams params) {
            return new Job((ctx, seq) -> {
                try (Generator g = new Generator(ctx, sampler, seq, 0)) {
                    g.evaluatePrompt(ctx.model().vocab().tokenize(prompt, true, true));
                    return g.position();
                }
            }, sampler, params);
        }
    }

    /** Each sequence may use n_ctx / n_seq_max positions, prompt and answer. */
    public BatchGenerator(Context context) {
        this.context = context;
    }

    /** Runs every job to its end on the calling thread; results in the order of {@code jobs}. */
    public List<GenerationResult> generate(List<Job> jobs) {
        GenerationResult[] results = new GenerationResult[jobs.size()];
        RuntimeException[] failure = new RuntimeException[1];
        int finished = 0;
        int next = 0;
        try (ContinuousBatch batch = new ContinuousBatch(context, context.contextSize() / context.maxSequences())) {
            while (finished < jobs.size()) {
                while (next < jobs.size() && batch.freeSlots() > 0) { // admit waiting jobs into free sequences
                    int index = next++;
                    Job job = jobs.get(index);
                    batch.admit(job.prompt(), job.sampler().copy(), job.params(), new ContinuousBatch.Listener() {
                        @Override public void onPiece(String text) { }
                        @Override public void onFinish(GenerationResult result) { results[index] = result; }
                        @Override public void onError(RuntimeException error) { failure[0] = error; }
                    });
                }
                batch.step();
                if (failure[0] != null) {
                    throw failure[0];
                }
                finished = (int) java.util.Arrays.stream(results).filter(Objects::nonNull).count();
            }
        } finally {
            LlamaPanamaNative.releaseComputeThreads();
        }
        return List.of(results);
    }
}
