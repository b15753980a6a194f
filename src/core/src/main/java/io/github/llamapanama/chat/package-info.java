/**
 * Chat: the model's own chat template ({@link io.github.llamapanama.chat.ChatTemplate}, Jinja or
 * llama.cpp's built-in ones), sessions that keep the KV cache across turns
 * ({@link io.github.llamapanama.chat.ChatSession}) and tool calling
 * ({@link io.github.llamapanama.chat.ToolChatSession}, {@link io.github.llamapanama.chat.ToolSpec}).
 *
 * {@snippet :
 * ChatSession chat = new ChatSession(context, sampler, ChatTemplate.of(model));
 * System.out.println(chat.send("Name three rivers.", GenerationParams.maxTokens(64)).text());
 * System.out.println(chat.send("Which is the longest?", GenerationParams.maxTokens(64)).text());
 * }
 */
package io.github.llamapanama.chat;
