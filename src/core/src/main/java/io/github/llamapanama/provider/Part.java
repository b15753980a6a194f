package io.github.llamapanama.provider;

/** A piece of a {@link Turn}: text, or an image or audio clip where it stands. */
public sealed interface Part permits Part.Text, Media {

    static Text text(String text) {
        return new Text(text);
    }

    /** Text, as it goes into the chat template. */
    record Text(String text) implements Part {
        public Text {
            java.util.Objects.requireNonNull(text, "text");
        }
    }
}
