package io.github.llamapanama.vision;

import io.github.llamapanama.testing.TestData;

import java.util.List;

/** The vision tests' common step: test-1.jpeg through a projector, to the embeddings of its image chunk. */
final class FirstImage {
    private FirstImage() {}

    static float[] embeddings(Projector projector) {
        try (Bitmap image = Bitmap.read(projector, TestData.file("test-1.jpeg"));
             InputChunks chunks = projector.tokenize(projector.mediaMarker(), List.of(image), false)) {
            for (int i = 0; i < chunks.chunks().size(); i++) {
                if (chunks.chunks().get(i).type() != ChunkType.TEXT) {
                    return projector.encode(chunks, i);
                }
            }
            throw new AssertionError("no media chunk");
        }
    }
}
