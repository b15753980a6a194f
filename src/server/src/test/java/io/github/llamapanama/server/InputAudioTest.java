package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.chat.ChatMessage;
import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.Generator;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.InputChunks;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code input_audio} content parts, as the OpenAI API defines them, through the audio projector:
 * the server answers as the library does with the same prompt.
 */
class InputAudioTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String QUESTION = "What is said in this clip?";

    @Test
    void anInputAudioPartIsAnsweredLikeVisionChatWithTheClip() throws Exception {
        Path clip = TestData.file("test-2.mp3");
        String expected = expected(clip);
        try (LlamaServer server = TestServers.start(b -> b.projector(Fixtures.tinyUltravoxMmproj()).slotContextSize(2048))) {
            HttpResponse<String> r = TestServers.post(server, "/v1/chat/completions", body(clip, "mp3"), null);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode answer = JSON.readTree(r.body());
            assertFalse(expected.isEmpty(), "a non-trivial answer");
            assertEquals(expected, answer.at("/choices/0/message/content").asText());
            assertTrue(answer.at("/usage/prompt_tokens").asInt() > 100, r.body());

            HttpResponse<String> bad = TestServers.post(server, "/v1/chat/completions", body(clip, "ogg"), null);
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("input_audio.format"), bad.body());
        }
    }

    /**
     * The library's greedy answer to the prompt the server builds: the clip's marker on its own
     * line, then the question, rendered by the model's own template.
     */
    private static String expected(Path clip) {
        try (Model m = Model.load(Fixtures.tinyQwen2());
             Projector projector = Projector.load(Fixtures.tinyUltravoxMmproj(), m);
             Context ctx = m.newContext(ContextParams.builder().contextSize(4096).build());
             Sampler greedy = Sampler.builder().greedy().build();
             Bitmap audio = Bitmap.read(projector, clip)) {
            String prompt = ChatTemplate.of(m).render(List.of(ChatMessage.user(projector.mediaMarker() + "\n" + QUESTION)),
                    List.of(), true);
            try (InputChunks chunks = projector.tokenize(prompt, List.of(audio), true)) {
                int position = projector.evaluate(ctx, chunks, 0, 0).position();
                return new Generator(ctx, greedy).generateAfterEvaluated(position, GenerationParams.maxTokens(8)).text();
            }
        }
    }

    private static String body(Path clip, String format) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("temperature", 0).put("max_tokens", 8);
        ArrayNode content = body.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "input_audio").putObject("input_audio")
                .put("data", Base64.getEncoder().encodeToString(Files.readAllBytes(clip))).put("format", format);
        content.addObject().put("type", "text").put("text", QUESTION);
        return JSON.writeValueAsString(body);
    }
}
