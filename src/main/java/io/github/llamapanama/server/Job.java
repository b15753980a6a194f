package io.github.llamapanama.server;

import io.github.llamapanama.generation.ContinuousBatch;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.TokenLogprob;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.vision.Bitmap;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One generation request between its HTTP thread and the scheduler. The scheduler pushes
 * {@link Event}s into a thread-safe queue that the HTTP thread drains; the HTTP thread sets
 * {@link #cancel()} when its client is gone, and the scheduler drops the slot at its next step.
 */
final class Job implements ContinuousBatch.Listener {
    /**
     * What the HTTP thread receives for choice {@code index()}, in order: tokens (when log
     * probabilities were asked for) and pieces, then one Done or Failed.
     */
    sealed interface Event permits Piece, Token, Done, Failed {
        int index();
    }

    record Piece(int index, String text) implements Event {
    }

    record Token(int index, TokenLogprob logprob) implements Event {
    }

    record Done(int index, GenerationResult result) implements Event {
    }

    record Failed(int index, RuntimeException error) implements Event {
    }

    /** A text prompt (tokens) or a multimodal one (text with media markers, and its images). */
    record Prompt(int[] tokens, String text, List<Bitmap> images) {
        static Prompt ofTokens(int[] tokens) {
            return new Prompt(tokens, null, List.of());
        }

        static Prompt ofMedia(String text, List<Bitmap> images) {
            return new Prompt(null, text, List.copyOf(images));
        }

        boolean hasMedia() {
            return tokens == null;
        }
    }

    final Prompt prompt;
    final GenerationParams params;
    private Sampler sampler; // owned here until the scheduler hands it to a slot
    private final Metrics metrics;
    final BlockingQueue<Event> events;
    final int index;
    private final int logprobs;
    private volatile boolean cancelled;

    Job(Prompt prompt, Sampler sampler, GenerationParams params, Metrics metrics) {
        this(prompt, sampler, params, metrics, 0, new LinkedBlockingQueue<>(), -1);
    }

    /**
     * @param index    the choice this job generates
     * @param events   where its events go; the choices of one request share one queue
     * @param logprobs -1, or how many top log-probabilities each token reports
     */
    Job(Prompt prompt, Sampler sampler, GenerationParams params, Metrics metrics, int index,
        BlockingQueue<Event> events, int logprobs) {
        this.prompt = prompt;
        this.sampler = sampler;
        this.params = params;
        this.metrics = metrics;
        this.index = index;
        this.events = events;
        this.logprobs = logprobs;
    }

    /** Hands the sampler over to its slot (which closes it); only once. */
    Sampler takeSampler() {
        Sampler s = sampler;
        sampler = null;
        return s;
    }

    /** Frees what the job still holds: its images and a sampler no slot took. */
    void release() {
        for (Bitmap b : prompt.images()) {
            b.close();
        }
        Sampler s = takeSampler();
        if (s != null) {
            s.close();
        }
    }

    void cancel() {
        cancelled = true;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public int logprobs() {
        return logprobs;
    }

    @Override
    public void onToken(TokenLogprob token) {
        events.add(new Token(index, token));
    }

    @Override
    public void onPiece(String text) {
        events.add(new Piece(index, text));
    }

    @Override
    public void onFinish(GenerationResult result) {
        metrics.promptTokens.add(result.stats().promptTokens());
        metrics.completionTokens.add(result.stats().generatedTokens());
        events.add(new Done(index, result));
    }

    @Override
    public void onError(RuntimeException error) {
        events.add(new Failed(index, error));
    }
}
