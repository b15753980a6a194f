package io.github.llamapanama.vision;

import io.github.llamapanama.internal.NativeResource;
import io.github.llamapanama.internal.ffm.LlamaNative;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** A tokenized multimodal prompt (mtmd_input_chunks): text chunks and media chunks in order. */
public final class InputChunks extends NativeResource {
    private final MemorySegment chunks;

    InputChunks(MemorySegment chunks) {
        super("input chunks");
        this.chunks = chunks.reinterpret(arena, LlamaNative::mtmd_input_chunks_free);
    }

    public int size() {
        ensureOpen();
        return (int) LlamaNative.mtmd_input_chunks_size(chunks);
    }

    public Chunk chunk(int i) {
        MemorySegment c = nativeChunk(i);
        ChunkType type = ChunkType.values()[LlamaNative.mtmd_input_chunk_get_type(c)];
        int[] text = new int[0];
        if (type == ChunkType.TEXT) {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment n = call.allocate(ValueLayout.JAVA_LONG);
                MemorySegment tokens = LlamaNative.mtmd_input_chunk_get_tokens_text(c, n);
                long count = n.get(ValueLayout.JAVA_LONG, 0);
                text = tokens.reinterpret(count * Integer.BYTES).toArray(ValueLayout.JAVA_INT);
            }
        }
        MemorySegment id = LlamaNative.mtmd_input_chunk_get_id(c);
        return new Chunk(type, (int) LlamaNative.mtmd_input_chunk_get_n_tokens(c),
                LlamaNative.mtmd_input_chunk_get_n_pos(c), text,
                id.equals(MemorySegment.NULL) ? null : id.reinterpret(Integer.MAX_VALUE).getString(0));
    }

    public List<Chunk> chunks() {
        List<Chunk> all = new ArrayList<>();
        for (int i = 0, n = size(); i < n; i++) {
            all.add(chunk(i));
        }
        return all;
    }

    /** Tokens of all chunks (mtmd_helper_get_n_tokens): what the KV cache will hold. */
    public int tokenCount() {
        ensureOpen();
        return (int) LlamaNative.mtmd_helper_get_n_tokens(chunks);
    }

    /** Positions of all chunks (mtmd_helper_get_n_pos). */
    public int positionCount() {
        ensureOpen();
        return LlamaNative.mtmd_helper_get_n_pos(chunks);
    }

    /**
     * A copy of media chunk {@code i} that outlives these chunks (close it when done).
     *
     * @throws IllegalArgumentException if chunk {@code i} is text
     */
    public MediaChunk mediaChunk(int i) {
        MemorySegment c = nativeChunk(i);
        if (LlamaNative.mtmd_input_chunk_get_type(c) == LlamaNative.MTMD_INPUT_CHUNK_TYPE_TEXT()) {
            throw new IllegalArgumentException("chunk " + i + " is text, not media");
        }
        return new MediaChunk(LlamaNative.mtmd_input_chunk_copy(c));
    }

    MemorySegment nativeChunk(int i) {
        int n = size();
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("chunk " + i + " of " + n);
        }
        return LlamaNative.mtmd_input_chunks_get(chunks, i);
    }

    MemorySegment handle() {
        ensureOpen();
        return chunks;
    }
}
