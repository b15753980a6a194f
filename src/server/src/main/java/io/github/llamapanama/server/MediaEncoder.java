package io.github.llamapanama.server;

import io.github.llamapanama.Llama;
import io.github.llamapanama.vision.MediaChunk;
import io.github.llamapanama.vision.Projector;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Encodes media chunks on its own thread, off the scheduler's decode steps, through the
 * {@link ImageEmbeddingCache}: running slots keep decoding while an image is encoded. One
 * encode at a time (the projector has one output buffer). After each job the thread frees its
 * OpenMP team, which would otherwise slow the scheduler's decoding.
 */
final class MediaEncoder implements AutoCloseable {
    private final Projector projector;
    private final ImageEmbeddingCache cache;
    private final Runnable wake;
    private final ExecutorService thread;
    final LongAdder encoded = new LongAdder();
    final AtomicLong encodeNanos = new AtomicLong();

    /** @param wake called after each job (wakes a scheduler waiting for embeddings) */
    MediaEncoder(Projector projector, ImageEmbeddingCache cache, Runnable wake) {
        this.projector = projector;
        this.cache = cache;
        this.wake = wake;
        this.thread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("llama-media-encoder")
                .daemon(true).unstarted(r));
    }

    Projector projector() {
        return projector;
    }

    /**
     * The embeddings of {@code chunk}: from the cache at once, or encoded on the encoder thread.
     * A job whose media is {@code abandoned} before it starts is skipped (the future is cancelled).
     */
    CompletableFuture<float[]> embeddings(MediaChunk chunk, BooleanSupplier abandoned) {
        ImageEmbeddingCache.Key key = chunk.id() == null || !cache.enabled() ? null
                : new ImageEmbeddingCache.Key(projector, chunk.id(), chunk.tokens());
        if (key != null) {
            float[] hit = cache.get(key);
            if (hit != null) {
                return CompletableFuture.completedFuture(hit);
            }
        }
        CompletableFuture<float[]> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                if (abandoned.getAsBoolean()) {
                    result.cancel(false);
                    return;
                }
                float[] e = key == null ? null : cache.peek(key); // encoded for an earlier job meanwhile
                if (e == null) {
                    long t0 = System.nanoTime();
                    e = projector.encode(chunk);
                    encodeNanos.addAndGet(System.nanoTime() - t0);
                    encoded.increment();
                    if (key != null) {
                        cache.put(key, e);
                    }
                }
                result.complete(e);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                Llama.releaseComputeThreads();
                wake.run();
            }
        });
        return result;
    }

    /** Stops the thread after its current job; waits for it (the projector must outlive it). */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
