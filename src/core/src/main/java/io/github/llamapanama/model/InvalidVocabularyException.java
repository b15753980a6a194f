package io.github.llamapanama.model;

import java.util.OptionalInt;

/**
 * A model file whose vocabulary llama.cpp would abort on or mis-read, refused before llama.cpp
 * sees it. It names the metadata key, and where one token (or merge) is at fault, its index and
 * its text as llama.cpp reads it (up to the first NUL byte; malformed or control bytes as \xNN).
 */
public class InvalidVocabularyException extends ModelLoadException {
    private final String key;
    private final int index;
    private final String text;

    InvalidVocabularyException(String key, int index, String text, String why) {
        super("invalid vocabulary: '" + key + "' " + why);
        this.key = key;
        this.index = index;
        this.text = text;
    }

    /** The metadata key at fault: tokenizer.ggml.tokens, tokenizer.ggml.merges, ... */
    public String key() {
        return key;
    }

    /** The element of {@link #key()} at fault: a token id or a merge's index, if one is. */
    public OptionalInt index() {
        return index < 0 ? OptionalInt.empty() : OptionalInt.of(index);
    }

    /** That element's text as llama.cpp reads it, printable; empty when no element is at fault. */
    public String text() {
        return text == null ? "" : text;
    }
}
