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

    /** Cosine similarity of two embeddings. */
    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** The largest relative error of {@code actual} against {@code reference} (denominators >= 1e-3). */
    static double worstRelativeError(float[] reference, float[] actual) {
        double worst = 0;
        for (int i = 0; i < reference.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - reference[i]) / Math.max(1e-3, Math.abs(reference[i])));
        }
        return worst;
    }
}
