package io.github.llamapanama.vision;

/**
 * One chunk of a tokenized multimodal prompt.
 *
 * @param type       text, image or audio
 * @param tokens     tokens (for media: the embeddings it becomes)
 * @param positions  positions it takes in the sequence (differs from tokens with M-RoPE)
 * @param textTokens the token ids of a text chunk; empty for media
 * @param id         the media id (from {@link Bitmap#setId}), or null
 */
public record Chunk(ChunkType type, int tokens, int positions, int[] textTokens, String id) {}
