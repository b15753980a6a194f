package io.github.llamapanama.server;

import io.github.llamapanama.generation.ContinuousBatch;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.GenerationStats;
import io.github.llamapanama.generation.Logprobs;
import io.github.llamapanama.generation.SlotPrompt;
import io.github.llamapanama.generation.TokenLogprob;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.vision.Bitmap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * One generation request between its HTTP thread and the scheduler. The scheduler pushes
 * {@link Event}s into a thread-safe queue that the HTTP thread drains; the HTTP thread sets
 * {@link #cancel()} when its client is gone, and the scheduler drops the slot at its next step.
 */
final class Job implements ContinuousBatch.Listener {
    /**
     * What the HTTP thread receives for choice {@code index()}, in order: tokens (when log
     * probabilities were asked for) and pieces (streaming only), then one Done or Failed. A whole
     * answer's tokens arrive together, just before its Done.
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
    private SlotPrompt slotPrompt; // the prompt as the batch takes it (made on submit); owned likewise
    private final Metrics metrics;
    final BlockingQueue<Event> events;
    final int index;
    private final int logprobs;
    private final boolean stream;
    // A whole (non-streaming) answer's token events wait here, on the scheduler thread, and go out
    // with its Done: each event wakes the HTTP thread, and that wake-up takes a core from a compute
    // thread in the middle of a decode, whose other threads then wait for it at the next barrier.
    private final List<Event> held = new ArrayList<>();
    private volatile boolean cancelled;
    private final long arrived = Router.requestStart(); // System.nanoTime() when its HTTP request arrived
    private long admitted;   // the times below are written on the scheduler thread only
    private long firstToken;
    private long lastToken;

    /**
     * @param request what the client asked: the generation, streaming and log-probabilities
     * @param index   the choice this job generates
     * @param events  where its events go; the choices of one request share one queue
     */
    Job(Prompt prompt, Sampler sampler, GenerationRequest request, Metrics metrics, int index,
        BlockingQueue<Event> events) {
        this.prompt = prompt;
        this.sampler = sampler;
        this.params = request.generation();
        this.metrics = metrics;
        this.index = index;
        this.events = events;
        this.logprobs = request.logprobs();
        this.stream = request.stream();
    }

    /** Hands the sampler over to its slot (which closes it); only once. */
    Sampler takeSampler() {
        Sampler s = sampler;
        sampler = null;
        return s;
    }

    void setSlotPrompt(SlotPrompt p) {
        slotPrompt = p;
    }

    /** Hands the prompt over to its slot (which closes it); only once. */
    SlotPrompt takeSlotPrompt() {
        SlotPrompt p = slotPrompt;
        slotPrompt = null;
        return p;
    }

    /** Frees the images (once tokenized, or when the job ends). */
    void releaseImages() {
        for (Bitmap b : prompt.images()) {
            b.close();
        }
    }

    /** Frees what the job still holds: its images, and a prompt and sampler no slot took. */
    void release() {
        releaseImages();
        SlotPrompt p = takeSlotPrompt();
        if (p != null) {
            p.close();
        }
        Sampler s = takeSampler();
        if (s != null) {
            s.close();
        }
    }

    void cancel() {
        cancelled = true;
    }

    /** The scheduler gave it a slot. */
    void admitted() {
        admitted = System.nanoTime();
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * With log-probabilities asked for, takes them from the sampled position's logits (still in
     * the context: the batch calls this before its next decode); a token that ends the answer
     * (end of generation) has none, as it is no part of the text.
     */
    @Override
    public void onToken(int token, Context context, int logitsIndex) {
        long now = System.nanoTime();
        if (firstToken == 0) {
            firstToken = now;
        } else {
            metrics.interToken(now - lastToken);
        }
        lastToken = now;
        if (logprobs < 0
                || (params.stopAtEndOfGeneration() && context.model().vocab().isEndOfGeneration(token))) {
            return;
        }
        Token t = new Token(index, Logprobs.of(context, logitsIndex, token, logprobs));
        if (stream) {
            events.add(t);
        } else {
            held.add(t);
        }
    }

    @Override
    public void onPiece(String text) {
        if (stream) { // a whole answer's text is in its result
            events.add(new Piece(index, text));
        }
    }

    @Override
    public void onFinish(GenerationResult result) {
        GenerationStats stats = result.stats();
        metrics.promptTokens.add(stats.promptTokens());
        metrics.promptCachedTokens.add(stats.cachedTokens());
        (stats.cachedTokens() > 0 ? metrics.promptCacheHits : metrics.promptCacheMisses).increment();
        metrics.completionTokens.add(result.stats().generatedTokens());
        metrics.finished(arrived, admitted, firstToken, lastToken, System.nanoTime(), stats.promptTokens(),
                stats.cachedTokens(), stats.generatedTokens(), stats.promptMillis(), stats.generationMillis());
        events.addAll(held);
        held.clear();
        events.add(new Done(index, result));
    }

    @Override
    public void onError(RuntimeException error) {
        events.add(new Failed(index, error));
    }
}
