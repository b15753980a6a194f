package io.github.llamapanama.chat.jinja;

import io.github.llamapanama.LlamaException;

/**
 * A chat template could not render a conversation. {@link #reason()} tells the cases apart: the
 * template itself refused the input ({@code raise_exception}, e.g. roles that do not alternate),
 * the engine could not run the template (then a caller may fall back to llama.cpp's built-in
 * formatting), or the template was stopped because it is not safe to run: it reaches outside
 * itself ({@code include}, {@code import}, {@code from}, {@code extends}) or it ran past its
 * {@link RenderBudget}. In the last two cases the model file's template is at fault, not the
 * conversation, and nothing falls back: a hostile template is refused.
 */
public final class TemplateException extends LlamaException {
    /** Why a template did not render. */
    public enum Reason {
        /** The template refused the conversation with {@code raise_exception}. */
        RAISED_BY_TEMPLATE,
        /** Jinjava cannot run the template (syntax or a feature it lacks); a caller may fall back. */
        UNSUPPORTED,
        /** The template uses {@code include}, {@code import}, {@code from} or {@code extends}. */
        FORBIDDEN_TAG,
        /** The template ran past its render budget (time or loop iterations). */
        OVER_BUDGET
    }

    private final Reason reason;

    public TemplateException(String message, Reason reason) {
        super(message);
        this.reason = java.util.Objects.requireNonNull(reason, "reason");
    }

    /** {@link Reason#RAISED_BY_TEMPLATE} when {@code raisedByTemplate}, else {@link Reason#UNSUPPORTED}. */
    public TemplateException(String message, boolean raisedByTemplate) {
        this(message, raisedByTemplate ? Reason.RAISED_BY_TEMPLATE : Reason.UNSUPPORTED);
    }

    public Reason reason() {
        return reason;
    }

    public boolean raisedByTemplate() {
        return reason == Reason.RAISED_BY_TEMPLATE;
    }

    /** True when the template was stopped as unsafe (a forbidden tag, or over its budget): the template is at fault. */
    public boolean unsafeTemplate() {
        return reason == Reason.FORBIDDEN_TAG || reason == Reason.OVER_BUDGET;
    }
}
