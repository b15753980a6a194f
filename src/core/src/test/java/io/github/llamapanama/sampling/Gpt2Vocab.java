package io.github.llamapanama.sampling;

import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.ModelParams;
import io.github.llamapanama.model.Vocab;
import io.github.llamapanama.testing.TestData;

/** The gpt-2 vocabulary (no weights), loaded once for the tests that need token texts. */
final class Gpt2Vocab {
    private static Model model;

    private Gpt2Vocab() {}

    static synchronized Vocab get() {
        if (model == null) {
            model = Model.load(TestData.file("ggml-vocab-gpt-2.gguf"), ModelParams.builder().vocabOnly(true).build());
        }
        return model.vocab();
    }

    /** The single token for {@code text}. */
    static int token(String text) {
        int[] t = get().tokenize(text, false, false);
        if (t.length != 1) {
            throw new IllegalStateException("'" + text + "' is " + t.length + " tokens");
        }
        return t[0];
    }
}
