package io.github.llamapanama.chat.jinja;

import io.github.llamapanama.LlamaException;

/**
 * A chat template could not render a conversation. {@link #raisedByTemplate()} tells the two
 * cases apart: the template itself refused the input ({@code raise_exception}, e.g. roles that
 * do not alternate), or the engine could not run the template (then a caller may fall back to
 * llama.cpp's built-in formatting).
 */
public final class TemplateException extends LlamaException {
    private final boolean raisedByTemplate;

    public TemplateException(String message, boolean raisedByTemplate) {
        super(message);
        this.raisedByTemplate = raisedByTemplate;
    }

    public boolean raisedByTemplate() {
        return raisedByTemplate;
    }
}
