package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server as OpenAI's official Java SDK sees it. */
class OpenAiSdkTest {
    private static final String KEY = "sk-sdk";
    private static LlamaServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        server = TestServers.start(b -> b.apiKey(KEY).projector(Fixtures.tinyInternVlMmproj()).slotContextSize(1024));
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey(KEY)
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder().model("tiny").temperature(0.0).seed(7).maxCompletionTokens(12);
    }

    @Test
    void chatWithUsage() {
        ChatCompletion c = client.chat().completions().create(params().addUserMessage("Hello there").build());
        assertEquals(1, c.choices().size());
        String text = c.choices().getFirst().message().content().orElseThrow();
        assertTrue(c.usage().orElseThrow().promptTokens() > 3);
        long completion = c.usage().orElseThrow().completionTokens();
        assertTrue(completion >= 1 && completion <= 12, "completion tokens " + completion);
        assertEquals(c.usage().get().promptTokens() + completion, c.usage().get().totalTokens());
        // Greedy decoding is deterministic: the same request, the same text.
        ChatCompletion again = client.chat().completions().create(params().addUserMessage("Hello there").build());
        assertEquals(text, again.choices().getFirst().message().content().orElseThrow());
    }

    @Test
    void streamingMatchesTheWholeAnswer() {
        String whole = client.chat().completions().create(params().addUserMessage("Tell me a story").build())
                .choices().getFirst().message().content().orElseThrow();
        StringBuilder streamed = new StringBuilder();
        String finish = null;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(params().addUserMessage("Tell me a story").build())) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                    choice.delta().content().ifPresent(streamed::append);
                    if (choice.finishReason().isPresent()) {
                        finish = choice.finishReason().get().asString();
                    }
                }
            }
        }
        assertEquals(whole, streamed.toString());
        assertTrue(Set.of("stop", "length").contains(finish), "finish " + finish);
    }

    @Test
    void imageByDataUri() throws Exception {
        String uri = "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(TestData.file("test-1.jpeg")));
        ChatCompletion c = client.chat().completions().create(params().addUserMessageOfArrayOfContentParts(List.of(
                ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("Describe the image.").build()),
                ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                        .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(uri).build()).build()))).build());
        assertTrue(c.choices().getFirst().message().content().isPresent());
        assertTrue(c.usage().orElseThrow().promptTokens() > Fixtures.imageTokens(), "the image's tokens count");
    }

    @Test
    void jsonSchemaOutputParsesAndMatches() throws Exception {
        ResponseFormatJsonSchema.JsonSchema.Schema schema = ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of(
                        "animal", Map.of("type", "string", "enum", List.of("cat", "dog")),
                        "legs", Map.of("type", "integer"),
                        "tame", Map.of("type", "boolean"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("animal", "legs", "tame")))
                .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                .build();
        ChatCompletion c = client.chat().completions().create(params().maxCompletionTokens(200)
                .addUserMessage("Describe an animal as JSON.")
                .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                        .name("animal").schema(schema).build()).build()).build());
        String text = c.choices().getFirst().message().content().orElseThrow();
        JsonNode json = new ObjectMapper().readTree(text);
        assertTrue(Set.of("cat", "dog").contains(json.get("animal").asText()), text);
        assertTrue(json.get("legs").isIntegralNumber(), text);
        assertTrue(json.get("tame").isBoolean(), text);
        assertEquals(3, json.size(), text);

        String any = client.chat().completions().create(params().maxCompletionTokens(24).addUserMessage("JSON please")
                .responseFormat(com.openai.models.ResponseFormatJsonObject.builder().build()).build())
                .choices().getFirst().message().content().orElseThrow();
        assertFalse(any.isBlank());
        assertTrue(any.strip().startsWith("{"), any);
    }
}
