package io.github.llamapanama.chat;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextFullException;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatSessionTest {
    private static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(Fixtures.tinyQwen2());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void theModelsTemplateFormatsChatMl() {
        ChatTemplate t = ChatTemplate.of(model);
        String text = t.apply(List.of(ChatMessage.system("S"), ChatMessage.user("Hi")), true);
        assertTrue(text.contains("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"), text);
        assertEquals(ChatTemplate.builtin("chatml").apply(List.of(ChatMessage.user("Hi")), true),
                "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertTrue(ChatTemplate.builtinNames().contains("llama3"));
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.builtin("no-such-template"));
    }

    @Test
    void laterTurnsEvaluateOnlyTheNewTokens() {
        try (Context ctx = model.newContext(ContextParams.builder().contextSize(1024).build());
             Sampler s = Sampler.builder().greedy().build()) {
            ChatSession chat = new ChatSession(ctx, s, ChatTemplate.of(model));
            chat.system("You are terse.");
            GenerationResult first = chat.send("Hello there", GenerationParams.maxTokens(12)).result();
            int firstPrompt = chat.lastPromptTokens();
            assertEquals(first.stats().promptTokens(), firstPrompt);
            chat.send("And now?", GenerationParams.maxTokens(12)).result();
            int secondPrompt = chat.lastPromptTokens();
            int wholeConversation = model.vocab().tokenize(ChatTemplate.of(model).apply(chat.messages().subList(0, 4), true), true, true).length;
            assertTrue(secondPrompt < wholeConversation - firstPrompt / 2,
                    "second turn evaluated " + secondPrompt + " of " + wholeConversation + " tokens");
            assertEquals(5, chat.messages().size());
        }
    }

    @Test
    void aChatContinuesExactlyAsAFreshEvaluationOfTheSameConversation() {
        GenerationParams p = GenerationParams.maxTokens(10);
        String secondAnswer;
        List<ChatMessage> history;
        try (Context ctx = model.newContext(ContextParams.builder().contextSize(1024).build());
             Sampler s = Sampler.builder().greedy().build()) {
            ChatSession chat = new ChatSession(ctx, s, ChatTemplate.of(model));
            chat.send("Tell me a story", p).result();
            secondAnswer = chat.send("Another", p).text();
            history = chat.messages().subList(0, 3);
        }
        try (Context ctx = model.newContext(ContextParams.builder().contextSize(1024).build());
             Sampler s = Sampler.builder().greedy().build()) {
            var generator = new io.github.llamapanama.generation.Generator(ctx, s);
            String prompt = ChatTemplate.of(model).apply(List.of(history.get(0), history.get(1), history.get(2)), true);
            assertEquals(secondAnswer, generator.generate(model.vocab().tokenize(prompt, true, true), p).text());
        }
    }

    @Test
    void overflowPolicies() {
        GenerationParams p = GenerationParams.maxTokens(8);
        String longMessage = "a fairly long message that takes many tokens ".repeat(4);
        try (Context ctx = model.newContext(ContextParams.builder().contextSize(160).build());
             Sampler s = Sampler.builder().greedy().build()) {
            ChatSession strict = new ChatSession(ctx, s, ChatTemplate.of(model), OverflowPolicy.ERROR, 0);
            ContextFullException e = assertThrows(ContextFullException.class, () -> {
                for (int i = 0; i < 10; i++) {
                    strict.send(longMessage, p).result();
                }
            });
            assertTrue(e.getMessage().contains("DROP_OLDEST_TURNS"), e.getMessage());
        }
        try (Context ctx = model.newContext(ContextParams.builder().contextSize(160).build());
             Sampler s = Sampler.builder().greedy().build()) {
            ChatSession dropping = new ChatSession(ctx, s, ChatTemplate.of(model), OverflowPolicy.DROP_OLDEST_TURNS, 0);
            dropping.system("Be brief.");
            for (int i = 0; i < 10; i++) {
                dropping.send(longMessage + i, p).result();
            }
            assertEquals(ChatMessage.Role.SYSTEM, dropping.messages().getFirst().role());
            assertTrue(dropping.messages().size() < 21, "old turns were dropped");
            assertTrue(dropping.messages().get(dropping.messages().size() - 2).content().endsWith("9"));
        }
    }
}
