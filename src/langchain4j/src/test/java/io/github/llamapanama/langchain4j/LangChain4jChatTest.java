package io.github.llamapanama.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.provider.LocalModel;
import io.github.llamapanama.provider.Reference;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LangChain4j's ChatModel and StreamingChatModel on the fixture: the same greedy answers as VisionChat. */
class LangChain4jChatTest {
    static final int N = 16;
    static final String QUESTION = "Describe this image.";
    static final String FOLLOW_UP = "And the colours?";
    private static LocalModel local;
    private static LlamaChatModel chat;
    private static LlamaStreamingChatModel streaming;
    private static Path image;

    @BeforeAll
    static void load() {
        local = LocalModel.builder().modelPath(Fixtures.tinyQwen2()).mmprojPath(Fixtures.tinyInternVlMmproj())
                .poolSize(2).build();
        chat = LlamaChatModel.builder().model(local).build();
        streaming = LlamaStreamingChatModel.builder().model(local).build();
        image = TestData.file("test-1.jpeg");
    }

    @AfterAll
    static void close() {
        chat.close();
        streaming.close();
        local.close();
    }

    static ImageContent imageContent() throws Exception {
        return ImageContent.from(Base64.getEncoder().encodeToString(Files.readAllBytes(image)), "image/jpeg");
    }

    static ChatRequestParameters greedy() {
        return LlamaChatRequestParameters.builder().temperature(0.0).maxOutputTokens(N).build();
    }

    @Test
    void greedyAnswersEqualVisionChatTokenForTokenAcrossTurnsReusingTheKvCache() throws Exception {
        List<GenerationResult> expected = Reference.visionChat(local, image, N, QUESTION, FOLLOW_UP);
        List<ChatMessage> history = new ArrayList<>();
        history.add(UserMessage.from(imageContent(), TextContent.from(QUESTION)));
        ChatResponse first = chat.chat(ChatRequest.builder().messages(history).parameters(greedy()).build());
        assertEquals(expected.get(0).text(), first.aiMessage().text());
        assertEquals(expected.get(0).tokens().length, first.tokenUsage().outputTokenCount());
        assertTrue(first.tokenUsage().inputTokenCount() > Fixtures.imageTokens(), first.tokenUsage().toString());

        history.add(first.aiMessage());
        history.add(UserMessage.from(FOLLOW_UP));
        ChatResponse second = chat.chat(ChatRequest.builder().messages(history).parameters(greedy()).build());
        assertEquals(expected.get(1).text(), second.aiMessage().text());
        LlamaTokenUsage usage = (LlamaTokenUsage) second.tokenUsage();
        assertTrue(usage.cachedTokenCount() > Fixtures.imageTokens(),
                "the second turn reuses the first turn's cache, image included: " + usage);
        assertTrue(usage.inputTokenCount() - usage.cachedTokenCount() < 40, usage.toString());
        assertEquals(first.finishReason() == FinishReason.LENGTH, expected.get(0).tokens().length == N);
    }

    @Test
    void streamingCallsBackInOrderThenCompletesWithUsageAndFinishReason() throws Exception {
        GenerationResult expected = Reference.visionChat(local, image, N, QUESTION).getFirst();
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        Thread caller = Thread.currentThread();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        streaming.chat(ChatRequest.builder().messages(UserMessage.from(imageContent(), TextContent.from(QUESTION)))
                .parameters(greedy()).build(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                threads.add(Thread.currentThread());
                events.add("partial:" + partial.text());
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                events.add("complete");
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                events.add("error");
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(120, TimeUnit.SECONDS);
        assertEquals("complete", events.getLast());
        assertEquals(1, events.stream().filter(e -> !e.startsWith("partial:")).count(), events.toString());
        assertTrue(events.size() > 2, events.toString());
        String streamed = String.join("", events.subList(0, events.size() - 1).stream()
                .map(e -> e.substring("partial:".length())).toList());
        assertEquals(expected.text(), streamed);
        assertEquals(expected.text(), response.aiMessage().text());
        assertEquals(expected.tokens().length, response.tokenUsage().outputTokenCount());
        assertTrue(response.finishReason() == FinishReason.LENGTH || response.finishReason() == FinishReason.STOP);
        assertTrue(threads.stream().noneMatch(t -> t == caller), "answers are generated off the caller's thread");
    }

    @Test
    void aJsonSchemaResponseFormatAlwaysGivesConformingJson() throws Exception {
        JsonSchema schema = JsonSchema.builder().name("colour").rootElement(JsonObjectSchema.builder()
                .addEnumProperty("colour", List.of("red", "green", "blue"))
                .addBooleanProperty("bright")
                .required("colour", "bright").build()).build();
        ChatResponse r = chat.chat(ChatRequest.builder()
                .messages(SystemMessage.from("Answer in JSON."), UserMessage.from(imageContent(), TextContent.from(QUESTION)))
                .parameters(LlamaChatRequestParameters.builder().temperature(0.8).seed(7L).maxOutputTokens(64)
                        .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(schema).build())
                        .build()).build());
        JsonNode json = new ObjectMapper().readTree(r.aiMessage().text());
        assertTrue(List.of("red", "green", "blue").contains(json.get("colour").asText()), json.toString());
        assertTrue(json.get("bright").isBoolean(), json.toString());
    }

    @Test
    void theSameSeedGivesTheSameAnswerAndCallsFromSeveralThreadsAgree() throws Exception {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Tell me a story."))
                .parameters(LlamaChatRequestParameters.builder().temperature(1.0).seed(42L).maxOutputTokens(N).build())
                .build();
        String once = chat.chat(request).aiMessage().text();
        List<CompletableFuture<String>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> chat.chat(request).aiMessage().text()));
        }
        for (CompletableFuture<String> run : runs) {
            assertEquals(once, run.get(120, TimeUnit.SECONDS));
        }
        ChatRequest other = ChatRequest.builder().messages(UserMessage.from("Tell me a story."))
                .parameters(LlamaChatRequestParameters.builder().temperature(1.0).seed(43L).maxOutputTokens(N).build())
                .build();
        assertNotEquals(once, chat.chat(other).aiMessage().text());
    }

    @Test
    void anAssistantMessageInTheHistoryIsKeptAsText() {
        ChatResponse r = chat.chat(ChatRequest.builder().messages(UserMessage.from("Hi"), AiMessage.from("Hello."),
                UserMessage.from("Again?")).parameters(greedy()).build());
        assertTrue(r.tokenUsage().inputTokenCount() > 10);
    }
}
