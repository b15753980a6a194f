package io.github.llamapanama.chat;

import io.github.llamapanama.LlamaException;
import io.github.llamapanama.chat.jinja.JinjaTemplate;
import io.github.llamapanama.chat.jinja.RenderBudget;
import io.github.llamapanama.chat.jinja.TemplateException;
import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.llama_chat_message;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.Vocab;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat template: either the Jinja text from a model file or the name of a llama.cpp built-in
 * template such as "chatml" or "llama3".
 *
 * <p>Two ways to format a conversation. {@link #apply} is llama.cpp's llama_chat_apply_template,
 * which recognises the common template families by their markers (what llama-cli and
 * llama-mtmd-cli do). {@link #render} runs the template's own Jinja (Jinjava), as
 * llama-server does with its jinja option: tools, tool calls, tool results and whatever else the
 * template prints come out as the model was trained on; a template Jinjava cannot run falls
 * back to {@link #apply}.
 *
 * <p>A model file's template is untrusted code: it renders under a {@link RenderBudget} (time
 * and loop iterations) and may not use {@code include}, {@code import}, {@code from} or
 * {@code extends}; a template refused for either reason is never hidden by the fallback.
 *
 * @param source   the Jinja text or a built-in name
 * @param bosToken the text of the model's BOS token, as templates see {@code bos_token} (may be empty)
 * @param eosToken the text of its EOS token, {@code eos_token}
 * @param budget   what one render of the Jinja may take; {@link RenderBudget#defaults()} when null
 */
public record ChatTemplate(String source, String bosToken, String eosToken, RenderBudget budget) {

    public ChatTemplate {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("empty chat template");
        }
        bosToken = bosToken == null ? "" : bosToken;
        eosToken = eosToken == null ? "" : eosToken;
        budget = budget == null ? RenderBudget.defaults() : budget;
    }

    /** A template under the {@linkplain RenderBudget#defaults() default budget}. */
    public ChatTemplate(String source, String bosToken, String eosToken) {
        this(source, bosToken, eosToken, null);
    }

    public ChatTemplate(String source) {
        this(source, "", "");
    }

    /** This template with another render budget. */
    public ChatTemplate withBudget(RenderBudget budget) {
        return new ChatTemplate(source, bosToken, eosToken, java.util.Objects.requireNonNull(budget, "budget"));
    }

    /** The model file's template. */
    public static ChatTemplate of(Model model) {
        return model.chatTemplate().map(s -> withTokens(s, model)).orElseThrow(() -> new LlamaException(
                model.path().getFileName() + " has no chat template: name a built-in one, e.g. ChatTemplate.builtin(\"chatml\")"));
    }

    /** The model's template, or the named built-in when the file has none. */
    public static ChatTemplate of(Model model, String fallbackBuiltin) {
        return model.chatTemplate().map(s -> withTokens(s, model)).orElseGet(() -> builtin(fallbackBuiltin));
    }

    /** Jinja text (e.g. read from a file) with the model's BOS and EOS token texts. */
    public static ChatTemplate of(String source, Model model) {
        return withTokens(source, model);
    }

    private static ChatTemplate withTokens(String source, Model model) {
        Vocab vocab = model.vocab();
        return new ChatTemplate(source, tokenText(vocab, vocab.bos()), tokenText(vocab, vocab.eos()));
    }

    private static String tokenText(Vocab vocab, int token) {
        return token >= 0 && token < vocab.size() ? vocab.tokenText(token) : "";
    }

    /** True when the source is Jinja text (not a built-in name). */
    public boolean isJinja() {
        return JinjaTemplate.looksLikeJinja(source);
    }

    /**
     * Formats a conversation with the template's own Jinja, as llama-server does with its jinja
     * option; falls back to {@link #apply} (with tools, calls and results written in the Hermes
     * format) when Jinjava cannot run the template or the source is a built-in name.
     *
     * @param tools        the functions the model may call; empty for none
     * @param addAssistant end with the assistant's turn opener, so the model answers next
     * @throws TemplateException if the template itself refuses the conversation ({@code raise_exception}),
     *                           or the template is refused as unsafe: a forbidden tag, or over its
     *                           {@link #budget()} ({@link TemplateException#unsafeTemplate()})
     */
    public String render(List<ChatMessage> messages, List<ToolSpec> tools, boolean addAssistant) {
        if (isJinja()) {
            try {
                return JinjaTemplate.of(source).render(TemplateInput.variables(messages, tools, addAssistant,
                        TemplateInput.Capabilities.of(source), bosToken, eosToken), budget);
            } catch (TemplateException e) {
                if (e.raisedByTemplate() || e.unsafeTemplate()) {
                    throw e;
                }
                // Jinjava cannot run this template: llama.cpp's built-in formatting below
            }
        }
        return apply(TemplateInput.adapt(messages, tools, TemplateInput.Capabilities.NONE), addAssistant);
    }

    /**
     * Loads the Jinja engine, parses the template and renders a one-message conversation now, so
     * that the first {@link #render} does not pay for it (about a second of class loading), and so
     * that a hostile model file is refused at load; a no-op for built-in names.
     *
     * @throws TemplateException if the template is refused as unsafe: a forbidden tag anywhere in
     *                           it, or a render past its {@link #budget()}
     */
    public ChatTemplate warmUp() {
        if (isJinja()) {
            JinjaTemplate.of(source).warmUp(budget);
        }
        return this;
    }

    /** {@link #render} without tools. */
    public String render(List<ChatMessage> messages, boolean addAssistant) {
        return render(messages, List.of(), addAssistant);
    }

    /** A built-in template by name; see {@link #builtinNames()}. */
    public static ChatTemplate builtin(String name) {
        if (!builtinNames().contains(name)) {
            throw new IllegalArgumentException("unknown built-in chat template '" + name + "'; known: " + builtinNames());
        }
        return new ChatTemplate(name);
    }

    /** llama_chat_builtin_templates. */
    public static List<String> builtinNames() {
        NativeRuntime.ensureInitialized();
        try (Arena call = Arena.ofConfined()) {
            int n = LlamaNative.llama_chat_builtin_templates(MemorySegment.NULL, 0);
            MemorySegment names = call.allocate(ValueLayout.ADDRESS, Math.max(1, n));
            n = LlamaNative.llama_chat_builtin_templates(names, n);
            List<String> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(names.getAtIndex(ValueLayout.ADDRESS, i).reinterpret(Integer.MAX_VALUE).getString(0));
            }
            return List.copyOf(out);
        }
    }

    /**
     * Formats a conversation as prompt text with llama.cpp's llama_chat_apply_template (tool
     * calls and tool messages are not understood there: {@link #render} handles them).
     *
     * @param addAssistant end with the assistant's turn opener, so the model answers next
     */
    public String apply(List<ChatMessage> messages, boolean addAssistant) {
        NativeRuntime.ensureInitialized();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment chat = llama_chat_message.allocateArray(Math.max(1, messages.size()), call);
            long textBytes = 0;
            for (int i = 0; i < messages.size(); i++) {
                ChatMessage m = messages.get(i);
                MemorySegment entry = llama_chat_message.asSlice(chat, i);
                llama_chat_message.role(entry, call.allocateFrom(m.role().templateName()));
                llama_chat_message.content(entry, call.allocateFrom(m.content()));
                textBytes += m.content().getBytes(StandardCharsets.UTF_8).length;
            }
            MemorySegment tmpl = call.allocateFrom(source);
            long size = Math.min(Integer.MAX_VALUE - 1, 2 * textBytes + 256L * (messages.size() + 1));
            MemorySegment buf = call.allocate(size);
            int n = LlamaNative.llama_chat_apply_template(tmpl, chat, messages.size(), addAssistant, buf, (int) size);
            if (n < 0) {
                throw new LlamaException("llama.cpp does not support this chat template"
                        + (source.length() < 40 ? " '" + source + "'" : "") + "; pass a built-in one, e.g. chatml");
            }
            if (n >= size) {
                buf = call.allocate(n + 1L);
                n = LlamaNative.llama_chat_apply_template(tmpl, chat, messages.size(), addAssistant, buf, n + 1);
            }
            return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }
}
