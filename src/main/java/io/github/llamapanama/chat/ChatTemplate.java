package io.github.llamapanama.chat;

import io.github.llamapanama.LlamaException;
import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.llama_chat_message;
import io.github.llamapanama.model.Model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat template, applied by llama.cpp's llama_chat_apply_template: either the Jinja text
 * from a model file (llama.cpp recognises the common families by their markers) or the name of
 * a built-in template such as "chatml" or "llama3".
 */
public record ChatTemplate(String source) {

    public ChatTemplate {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("empty chat template");
        }
    }

    /** The model file's template. */
    public static ChatTemplate of(Model model) {
        return model.chatTemplate().map(ChatTemplate::new).orElseThrow(() -> new LlamaException(
                model.path().getFileName() + " has no chat template: name a built-in one, e.g. ChatTemplate.builtin(\"chatml\")"));
    }

    /** The model's template, or the named built-in when the file has none. */
    public static ChatTemplate of(Model model, String fallbackBuiltin) {
        return model.chatTemplate().map(ChatTemplate::new).orElseGet(() -> builtin(fallbackBuiltin));
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
     * Formats a conversation as prompt text.
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
