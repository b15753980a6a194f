package io.github.llamapanama.vision.video;

/** The model card's video prompt prefix, one line per frame. */
public final class VideoPrompt {
    /** The media marker each frame's image replaces. */
    public static final String IMAGE_MARKER = "<image>";

    private VideoPrompt() {
    }

    /**
     * {@code "Frame1: <image>\nFrame2: <image>\n..."} for {@code frames} frames, as the model card's
     * {@code ''.join([f'Frame{i + 1}: <image>\n' for i in range(len(num_patches_list))])}.
     */
    public static String prefix(int frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be at least 1, got " + frames);
        }
        StringBuilder out = new StringBuilder(frames * 17);
        for (int i = 1; i <= frames; i++) {
            out.append("Frame").append(i).append(": ").append(IMAGE_MARKER).append('\n');
        }
        return out.toString();
    }
}
