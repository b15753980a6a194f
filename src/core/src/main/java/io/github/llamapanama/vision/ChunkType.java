package io.github.llamapanama.vision;

/** mtmd_input_chunk_type. */
public enum ChunkType { TEXT, IMAGE, AUDIO }
