package io.github.llamapanama.spark;

/**
 * What the image and video transforms' builders set besides {@link TransformBuilder}'s: the
 * question (fixed or a column) and InternVL dynamic tiling.
 */
public abstract class MediaTransformBuilder<B extends MediaTransformBuilder<B>> extends TransformBuilder<B> {
    String prompt;
    String promptColumn;
    int maxTiles = 1;

    MediaTransformBuilder() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The same question for every row ({@code <image>} marks where the media goes; in front when absent). */
    public B prompt(String text) {
        prompt = text;
        return self();
    }

    /** A string column holding each row's question. */
    public B promptColumn(String column) {
        promptColumn = column;
        return self();
    }

    /** InternVL dynamic tiling: up to this many 448px tiles plus a thumbnail per image or frame (default 1: none). */
    public B maxTiles(int n) {
        if (n < 1 || n > 40) {
            throw new IllegalArgumentException("maxTiles must be in [1, 40], was " + n);
        }
        maxTiles = n;
        return self();
    }

    /** The settings, once one of prompt and promptColumn is set and a projector is named. */
    Settings mediaSettings(String transform) {
        Settings s = settings();
        Prompts.requireOne(prompt, promptColumn);
        if (s.files().mmproj() == null) {
            throw new IllegalArgumentException("a " + transform + " transform needs a projector (mmproj)");
        }
        return s;
    }
}
