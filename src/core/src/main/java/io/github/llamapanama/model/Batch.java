package io.github.llamapanama.model;

import io.github.llamapanama.internal.NativeResource;
import io.github.llamapanama.internal.ffm.llama_batch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A llama_batch: tokens (or embeddings) with their positions, sequence ids and whether to
 * keep their logits. All arrays live in this object's arena, laid out as llama_batch_init does,
 * so a batch is reused across decode calls without allocating.
 */
public final class Batch extends NativeResource {
    private final int capacity;
    private final int embeddingSize;
    private final int maxSequencesPerToken;
    private final MemorySegment struct;
    private final MemorySegment tokens;
    private final MemorySegment embd;
    private final MemorySegment pos;
    private final MemorySegment nSeqId;
    private final MemorySegment seqIds;  // capacity rows of maxSequencesPerToken ints
    private final MemorySegment logits;
    private int size;

    /** A token batch of up to {@code capacity} tokens, each in up to {@code maxSequencesPerToken} sequences. */
    public static Batch ofTokens(int capacity, int maxSequencesPerToken) {
        return new Batch(capacity, 0, maxSequencesPerToken);
    }

    /** An embedding batch: {@code capacity} vectors of {@code embeddingSize} floats. */
    public static Batch ofEmbeddings(int capacity, int embeddingSize, int maxSequencesPerToken) {
        if (embeddingSize < 1) {
            throw new IllegalArgumentException("embeddingSize must be >= 1, was " + embeddingSize);
        }
        return new Batch(capacity, embeddingSize, maxSequencesPerToken);
    }

    private Batch(int capacity, int embeddingSize, int maxSequencesPerToken) {
        super("batch");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        if (maxSequencesPerToken < 1) {
            throw new IllegalArgumentException("maxSequencesPerToken must be >= 1, was " + maxSequencesPerToken);
        }
        this.capacity = capacity;
        this.embeddingSize = embeddingSize;
        this.maxSequencesPerToken = maxSequencesPerToken;
        struct = llama_batch.allocate(arena);
        tokens = embeddingSize == 0 ? arena.allocate(ValueLayout.JAVA_INT, capacity) : MemorySegment.NULL;
        embd = embeddingSize == 0 ? MemorySegment.NULL
                : arena.allocate(ValueLayout.JAVA_FLOAT, (long) capacity * embeddingSize);
        pos = arena.allocate(ValueLayout.JAVA_INT, capacity);
        nSeqId = arena.allocate(ValueLayout.JAVA_INT, capacity);
        seqIds = arena.allocate(ValueLayout.JAVA_INT, (long) capacity * maxSequencesPerToken);
        MemorySegment seqIdPtrs = arena.allocate(ValueLayout.ADDRESS, capacity + 1L); // NULL-terminated
        for (int i = 0; i < capacity; i++) {
            seqIdPtrs.setAtIndex(ValueLayout.ADDRESS, i, seqIds.asSlice((long) i * maxSequencesPerToken * Integer.BYTES));
        }
        logits = arena.allocate(ValueLayout.JAVA_BYTE, capacity);
        llama_batch.token(struct, tokens);
        llama_batch.embd(struct, embd);
        llama_batch.pos(struct, pos);
        llama_batch.n_seq_id(struct, nSeqId);
        llama_batch.seq_id(struct, seqIdPtrs);
        llama_batch.logits(struct, logits);
        llama_batch.n_tokens(struct, 0);
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return size;
    }

    public boolean isEmbeddings() {
        return embeddingSize > 0;
    }

    public Batch clear() {
        ensureOpen();
        size = 0;
        llama_batch.n_tokens(struct, 0);
        return this;
    }

    /** Adds a token at {@code position} of sequence {@code seqId}; allocation-free. */
    public Batch add(int token, int position, int seqId, boolean wantLogits) {
        int i = slot(position, wantLogits);
        if (embeddingSize > 0) {
            throw new IllegalStateException("this batch holds embeddings, not tokens");
        }
        tokens.setAtIndex(ValueLayout.JAVA_INT, i, token);
        seqIds.setAtIndex(ValueLayout.JAVA_INT, (long) i * maxSequencesPerToken, seqId);
        nSeqId.setAtIndex(ValueLayout.JAVA_INT, i, 1);
        return commit();
    }

    /** Adds a token shared by several sequences (e.g. a common prompt prefix). */
    public Batch add(int token, int position, int[] seqIdsOfToken, boolean wantLogits) {
        if (seqIdsOfToken.length < 1 || seqIdsOfToken.length > maxSequencesPerToken) {
            throw new IllegalArgumentException("a token belongs to 1.." + maxSequencesPerToken
                    + " sequences in this batch, not " + seqIdsOfToken.length);
        }
        add(token, position, seqIdsOfToken[0], wantLogits);
        int i = size - 1;
        for (int s = 1; s < seqIdsOfToken.length; s++) {
            seqIds.setAtIndex(ValueLayout.JAVA_INT, (long) i * maxSequencesPerToken + s, seqIdsOfToken[s]);
        }
        nSeqId.setAtIndex(ValueLayout.JAVA_INT, i, seqIdsOfToken.length);
        return this;
    }

    /** Adds one embedding vector of {@code embeddingSize} floats read from {@code vector} at {@code offset}. */
    public Batch addEmbedding(MemorySegment vector, long offset, int position, int seqId, boolean wantLogits) {
        if (embeddingSize == 0) {
            throw new IllegalStateException("this batch holds tokens, not embeddings");
        }
        int i = slot(position, wantLogits);
        MemorySegment.copy(vector, offset, embd, (long) i * embeddingSize * Float.BYTES, (long) embeddingSize * Float.BYTES);
        seqIds.setAtIndex(ValueLayout.JAVA_INT, (long) i * maxSequencesPerToken, seqId);
        nSeqId.setAtIndex(ValueLayout.JAVA_INT, i, 1);
        return commit();
    }

    private int slot(int position, boolean wantLogits) {
        ensureOpen();
        if (size == capacity) {
            throw new IllegalStateException("batch is full (" + capacity + " entries)");
        }
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0, was " + position);
        }
        pos.setAtIndex(ValueLayout.JAVA_INT, size, position);
        logits.set(ValueLayout.JAVA_BYTE, size, (byte) (wantLogits ? 1 : 0));
        return size;
    }

    private Batch commit() {
        size++;
        llama_batch.n_tokens(struct, size);
        return this;
    }

    /** Marks whether entry {@code i} keeps its logits. */
    public Batch setLogits(int i, boolean wantLogits) {
        checkIndex(i);
        logits.set(ValueLayout.JAVA_BYTE, i, (byte) (wantLogits ? 1 : 0));
        return this;
    }

    public int token(int i) {
        checkIndex(i);
        return tokens.getAtIndex(ValueLayout.JAVA_INT, i);
    }

    public int position(int i) {
        checkIndex(i);
        return pos.getAtIndex(ValueLayout.JAVA_INT, i);
    }

    public boolean wantsLogits(int i) {
        checkIndex(i);
        return logits.get(ValueLayout.JAVA_BYTE, i) != 0;
    }

    int sequenceCount(int i) {
        return nSeqId.getAtIndex(ValueLayout.JAVA_INT, i);
    }

    int sequence(int i, int s) {
        return seqIds.getAtIndex(ValueLayout.JAVA_INT, (long) i * maxSequencesPerToken + s);
    }

    private void checkIndex(int i) {
        ensureOpen();
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("batch entry " + i + " of " + size);
        }
    }

    /** The llama_batch struct (llama_panama_decode takes it by pointer, llama_decode by value). */
    MemorySegment struct() {
        ensureOpen();
        return struct;
    }
}
