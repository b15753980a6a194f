package io.github.llamapanama.vision.video;

/** Argument checks shared by the {@link Video} kinds. */
final class Indices {
    private Indices() {
    }

    static void check(int[] indices, int frameCount) {
        for (int i : indices) {
            if (i < 0 || i >= frameCount) {
                throw new IllegalArgumentException("frame " + i + " is outside the video's " + frameCount + " frames");
            }
        }
    }
}
