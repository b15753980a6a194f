package io.github.llamapanama.sampling;

import io.github.llamapanama.LlamaException;

/**
 * A GBNF grammar that llama.cpp cannot use: a syntax error, an undefined rule, a missing start
 * rule, or left recursion. The message carries llama.cpp's own reason, with where it occurred.
 */
public final class GrammarException extends LlamaException {
    public GrammarException(String message) {
        super(message);
    }
}
