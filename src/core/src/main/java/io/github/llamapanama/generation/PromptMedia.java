package io.github.llamapanama.generation;

import io.github.llamapanama.model.Context;

/**
 * A media item (an image or an audio clip) in a {@link SlotPrompt}: embeddings that take
 * {@link #positions()} positions of a sequence. {@link ContinuousBatch} asks for them only when
 * its slot does not already hold them ({@link #prepare()}), waits while they are not
 * {@link #ready()} (so encoding can happen on another thread), and then decodes them, whole or
 * a part per step. Two items with equal {@link #id()} and positions are taken to be equal: a
 * slot whose cache holds one skips the other.
 */
public interface PromptMedia extends AutoCloseable {
    /** A content id (a hash of the media's bytes); null means "never equal to another". */
    String id();

    /** Embeddings it becomes. */
    int tokens();

    /** Positions it takes in a sequence. */
    int positions();

    /** True when {@link #decode} accepts a part of the embeddings (else the whole item, at once). */
    boolean decodesInParts();

    /** The slot needs the embeddings: start computing them (e.g. submit an encode). Called once. */
    void prepare();

    /** True once {@link #decode} can run without waiting; throws if computing them failed. */
    boolean ready();

    /**
     * Decodes embeddings {@code [from, from + count)} into {@code sequence}, the first at
     * {@code position}, on the batch's thread; keeps the last one's logits if {@code logitsLast}.
     */
    void decode(Context context, int sequence, int position, int from, int count, boolean logitsLast);

    /** The batch is done with it (decoded, skipped or dropped). */
    @Override
    void close();
}
