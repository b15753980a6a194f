package io.github.llamapanama.server;

import io.github.llamapanama.generation.ContinuousBatch;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.GenerationStats;
import io.github.llamapanama.generation.SlotPrompt;
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
    /** What the HTTP thread receives, in order: pieces, then one Done or Failed. */
    sealed interface Event permits Piece, Done, Failed {
    }

    record Piece(String text) implements Event {
    }

    record Done(GenerationResult result) implements Event {
    }

    record Failed(RuntimeException error) implements Event {
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
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean cancelled;

    Job(Prompt prompt, Sampler sampler, GenerationParams params, Metrics metrics) {
        this.prompt = prompt;
        this.sampler = sampler;
        this.params = params;
        this.metrics = metrics;
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

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void onPiece(String text) {
        events.add(new Piece(text));
    }

    @Override
    public void onFinish(GenerationResult result) {
        GenerationStats stats = result.stats();
        metrics.promptTokens.add(stats.promptTokens());
        metrics.promptCachedTokens.add(stats.cachedTokens());
        (stats.cachedTokens() > 0 ? metrics.promptCacheHits : metrics.promptCacheMisses).increment();
        metrics.completionTokens.add(result.stats().generatedTokens());
        events.add(new Done(result));
    }

    @Override
    public void onError(RuntimeException error) {
        events.add(new Failed(error));
    }
}
