package io.github.llamapanama.generation;

import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.sampling.Sampler;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Answers several independent prompts at once, one sequence each in one context: every step
 * decodes the next token of every running sequence in a single batch, so the model weights are
 * read once per step for all of them. Results come back in input order. Runs on the caller's
 * thread; jobs beyond n_seq_max wait for a free sequence.
 */
public final class BatchGenerator {
    private final Context context;

    /** Evaluates a prompt into {@code sequence} from position 0 and returns the next position. */
    @FunctionalInterface
    public interface PromptEvaluator {
        int evaluate(Context context, int sequence);
    }

    /** One prompt to answer, with its own sampler (not shared between jobs). */
    public record Job(PromptEvaluator prompt, Sampler sampler, GenerationParams params) {
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

    public BatchGenerator(Context context) {
        this.context = context;
    }

    private static final class Running {
        final int job;
        final int sequence;
        final SequenceOutput output;
        final Sampler sampler;
        int position;
        int pendingToken;
        int batchIndex;
        long startNanos;
        double promptMillis;
        int promptTokens;
        FinishReason finish;

        Running(int job, int sequence, SequenceOutput output, Sampler sampler) {
            this.job = job;
            this.sequence = sequence;
            this.output = output;
            this.sampler = sampler;
        }
    }

    /** Runs every job to its end; results in the order of {@code jobs}. */
    public List<GenerationResult> generate(List<Job> jobs) {
        for (int i = 0; i < jobs.size(); i++) {
            for (int k = i + 1; k < jobs.size(); k++) {
                if (jobs.get(i).sampler() == jobs.get(k).sampler()) {
                    throw new IllegalArgumentException("jobs " + i + " and " + k + " share a sampler: give each its own (Sampler.copy())");
                }
            }
        }
        GenerationResult[] results = new GenerationResult[jobs.size()];
        List<Running> running = new ArrayList<>();
        List<Integer> freeSequences = new ArrayList<>();
        for (int s = 0; s < context.maxSequences(); s++) {
            freeSequences.add(s);
        }
        int next = 0;
        try (Batch batch = Batch.ofTokens(context.maxSequences(), 1)) {
            while (next < jobs.size() || !running.isEmpty()) {
                while (next < jobs.size() && !freeSequences.isEmpty()) { // admit jobs into free sequences
                    Running r = start(next, jobs.get(next), freeSequences.removeFirst());
                    if (r.finish != null) {
                        results[r.job] = end(r, freeSequences);
                    } else {
                        running.add(r);
                    }
                    next++;
                }
                if (running.isEmpty()) {
                    continue;
                }
                batch.clear();
                for (Running r : running) {
                    r.batchIndex = batch.size();
                    batch.add(r.pendingToken, r.position, r.sequence, true);
                }
                context.decode(batch);
                for (int i = running.size() - 1; i >= 0; i--) {
                    Running r = running.get(i);
                    r.position++;
                    sampleInto(r, r.batchIndex);
                    if (r.finish != null) {
                        results[r.job] = end(r, freeSequences);
                        running.remove(i);
                    }
                }
            }
        }
        return List.of(results);
    }

    private Running start(int index, Job job, int sequence) {
        context.kvCache().remove(sequence, -1, -1);
        job.sampler().reset();
        Running r = new Running(index, sequence, new SequenceOutput(context.model().vocab(), job.params()), job.sampler());
        long t0 = System.nanoTime();
        r.position = job.prompt().evaluate(context, sequence);
        r.promptTokens = r.position;
        r.promptMillis = (System.nanoTime() - t0) / 1e6;
        r.startNanos = System.nanoTime();
        sampleInto(r, -1); // the prompt's last logits, before another sequence's decode replaces them
        return r;
    }

    private void sampleInto(Running r, int index) {
        int token = r.sampler.sample(context, index);
        FinishReason end = r.output.accept(token);
        if (end == null && r.position + 1 >= context.contextSize()) {
            end = FinishReason.CONTEXT_FULL;
        }
        if (end != null) {
            r.finish = end;
            r.output.finish(end);
        } else {
            r.pendingToken = token;
        }
    }

    private GenerationResult end(Running r, List<Integer> freeSequences) {
        context.kvCache().remove(r.sequence, -1, -1);
        freeSequences.add(r.sequence);
        double millis = (System.nanoTime() - r.startNanos) / 1e6;
        return new GenerationResult(r.output.ready.toString(), r.output.tokens(), r.finish,
                new GenerationStats(r.promptTokens, r.promptMillis, r.output.tokenCount(), millis));
    }
}
