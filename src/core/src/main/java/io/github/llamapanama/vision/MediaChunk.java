package io.github.llamapanama.vision;

import io.github.llamapanama.internal.NativeResource;
import io.github.llamapanama.internal.ffm.LlamaNative;

import java.lang.foreign.MemorySegment;

/**
 * One media chunk of a tokenized prompt, copied out of its {@link InputChunks}
 * (mtmd_input_chunk_copy), so it lives on its own: a server can free the prompt's chunks and
 * still encode this one later, on another thread. Its {@link #id()} is the id of the bitmap it
 * came from ({@link Bitmap#setId}); {@link Bitmap#contentId()} makes it a content hash.
 */
public final class MediaChunk extends NativeResource {
    private final MemorySegment chunk;
    private final ChunkType type;
    private final int tokens;
    private final int positions;
    private final String id;

    MediaChunk(MemorySegment copy) {
        super("media chunk");
        if (copy.equals(MemorySegment.NULL)) {
            throw new VisionException("mtmd could not copy a media chunk");
        }
        this.chunk = copy.reinterpret(arena, LlamaNative::mtmd_input_chunk_free);
        this.type = ChunkType.values()[LlamaNative.mtmd_input_chunk_get_type(chunk)];
        this.tokens = (int) LlamaNative.mtmd_input_chunk_get_n_tokens(chunk);
        this.positions = LlamaNative.mtmd_input_chunk_get_n_pos(chunk);
        MemorySegment i = LlamaNative.mtmd_input_chunk_get_id(chunk);
        this.id = i.equals(MemorySegment.NULL) ? null : i.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    public ChunkType type() {
        return type;
    }

    /** Embeddings the chunk becomes (each n_embd floats). */
    public int tokens() {
        return tokens;
    }

    /** Positions it takes in a sequence (fewer than {@link #tokens()} with M-RoPE). */
    public int positions() {
        return positions;
    }

    /** The id of its bitmap, or null when none was set. */
    public String id() {
        return id;
    }

    MemorySegment handle() {
        ensureOpen();
        return chunk;
    }

    @Override
    public String toString() {
        return "MediaChunk[" + type + ", " + tokens + " tokens, id " + id + "]";
    }
}
