package io.github.llamapanama.langchain4j;

import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.UserMessage;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.provider.LocalModel;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LangChain4j's AiServices, as users write them, on the fixture model. */
class AiServicesTest {
    enum Mood { CALM, BUSY, GLOOMY }

    /** Enum, boolean and integer fields: with random weights, the grammar alone makes the JSON parse. */
    record Scene(Mood mood, boolean outdoors, long people) {}

    interface SceneReader {
        @SystemMessage("You read pictures.")
        @UserMessage("Describe the scene in the picture.")
        Scene read(@UserMessage ImageContent picture);
    }

    interface Assistant {
        String chat(String message);
    }

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    private static LocalModel local;

    @BeforeAll
    static void load() {
        local = LocalModel.builder().modelPath(Fixtures.tinyQwen2()).mmprojPath(Fixtures.tinyInternVlMmproj()).build();
    }

    @AfterAll
    static void close() {
        local.close();
    }

    @Test
    void aMethodTakingAnImageReturnsARecordThroughTheJsonSchemaGrammar() throws Exception {
        LlamaChatModel model = LlamaChatModel.builder().model(local)
                .defaultRequestParameters(LlamaChatRequestParameters.builder().temperature(0.0).maxOutputTokens(96).build())
                .build();
        SceneReader reader = AiServices.create(SceneReader.class, new RecordingModel(model));
        String base64 = Base64.getEncoder().encodeToString(Files.readAllBytes(TestData.file("test-1.jpeg")));
        Scene scene = reader.read(ImageContent.from(base64, "image/jpeg"));
        assertNotNull(scene.mood(), () -> RecordingModel.last.aiMessage().text());
        assertEquals(scene, reader.read(ImageContent.from(base64, "image/jpeg")), "greedy: the same record again");
    }

    @Test
    void chatMemoryTurnsReuseTheKvCacheOfEarlierTurns() {
        LlamaChatModel model = LlamaChatModel.builder().model(local)
                .defaultRequestParameters(LlamaChatRequestParameters.builder().temperature(0.0).maxOutputTokens(12).build())
                .build();
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model)
                .chatMemory(MessageWindowChatMemory.withMaxMessages(20)).build();
        assistant.chat("Hello, who are you?");
        Assistant plain = AiServices.builder(Assistant.class).chatModel(new RecordingModel(model))
                .chatMemory(MessageWindowChatMemory.withMaxMessages(20)).build();
        plain.chat("Hello, who are you?");
        plain.chat("Tell me more.");
        LlamaTokenUsage second = (LlamaTokenUsage) RecordingModel.last.tokenUsage();
        assertTrue(second.cachedTokenCount() > 10, second.toString());
        assertTrue(second.inputTokenCount() - second.cachedTokenCount() < second.cachedTokenCount(), second.toString());
    }

    @Test
    void aTokenStreamDeliversPartialsInOrderThenTheCompleteResponse() throws Exception {
        LlamaStreamingChatModel model = LlamaStreamingChatModel.builder().model(local)
                .defaultRequestParameters(LlamaChatRequestParameters.builder().temperature(0.0).maxOutputTokens(12).build())
                .build();
        StreamingAssistant assistant = AiServices.create(StreamingAssistant.class, model);
        List<String> partials = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        assistant.chat("Hello").onPartialResponse(partials::add).onCompleteResponse(done::complete)
                .onError(done::completeExceptionally).start();
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        assertEquals(String.join("", partials), r.aiMessage().text());
        String sync = LlamaChatModel.builder().model(local).build().chat(
                dev.langchain4j.model.chat.request.ChatRequest.builder()
                        .messages(dev.langchain4j.data.message.UserMessage.from("Hello"))
                        .parameters(LlamaChatRequestParameters.builder().temperature(0.0).maxOutputTokens(12).build())
                        .build()).aiMessage().text();
        assertEquals(sync, r.aiMessage().text());
    }

    /** Passes calls through and keeps the last response, to read its usage. */
    record RecordingModel(LlamaChatModel delegate) implements dev.langchain4j.model.chat.ChatModel {
        static volatile ChatResponse last;

        @Override
        public ChatResponse doChat(dev.langchain4j.model.chat.request.ChatRequest request) {
            return last = delegate.doChat(request);
        }

        @Override
        public java.util.Set<dev.langchain4j.model.chat.Capability> supportedCapabilities() {
            return delegate.supportedCapabilities();
        }

        @Override
        public dev.langchain4j.model.chat.request.ChatRequestParameters defaultRequestParameters() {
            return delegate.defaultRequestParameters();
        }
    }
}
