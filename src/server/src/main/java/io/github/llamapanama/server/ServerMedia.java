package io.github.llamapanama.server;

import io.github.llamapanama.generation.PromptMedia;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.vision.MediaChunk;
import io.github.llamapanama.vision.VisionException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One image of a request's prompt, for the scheduler's batch: its chunk (copied out of the
 * tokenized prompt, id = the bitmap's FNV-1a hash) and its embeddings, asked of the
 * {@link MediaEncoder} only when the slot's cache does not hold the image already. The chunk is
 * freed when both the batch and a running encode are done with it.
 */
final class ServerMedia implements PromptMedia {
    private final MediaChunk chunk;
    private final MediaEncoder encoder;
    private final boolean inParts;
    private CompletableFuture<float[]> embeddings;
    private volatile boolean closed;

    ServerMedia(MediaChunk chunk, MediaEncoder encoder) {
        this.chunk = chunk;
        this.encoder = encoder;
        this.inParts = encoder.projector().decodesInParts();
    }

    @Override
    public String id() {
        return chunk.id();
    }

    @Override
    public int tokens() {
        return chunk.tokens();
    }

    @Override
    public int positions() {
        return chunk.positions();
    }

    @Override
    public boolean decodesInParts() {
        return inParts;
    }

    @Override
    public void prepare() {
        if (embeddings == null) {
            embeddings = encoder.embeddings(chunk, () -> closed);
        }
    }

    @Override
    public boolean ready() {
        if (embeddings == null) {
            throw new IllegalStateException("media not prepared");
        }
        if (!embeddings.isDone()) {
            return false;
        }
        embeddings(); // throws if the encode failed
        return true;
    }

    private float[] embeddings() {
        try {
            return embeddings.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new VisionException("encoding the image failed: " + cause, cause);
        } catch (CancellationException e) {
            throw new IllegalStateException("the image's encode was cancelled", e);
        }
    }

    @Override
    public void decode(Context context, int sequence, int position, int from, int count, boolean logitsLast) {
        encoder.projector().decode(context, chunk, embeddings(), from, count, position, sequence, logitsLast);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (embeddings == null || embeddings.isDone()) {
            chunk.close();
        } else {
            embeddings.whenComplete((r, e) -> chunk.close()); // after the encoder is done with it
        }
    }
}
