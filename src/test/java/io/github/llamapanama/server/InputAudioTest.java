package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.provider.LocalModel;
import io.github.llamapanama.provider.Reference;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code input_audio} content parts, as the OpenAI API defines them, through the audio projector. */
class InputAudioTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String QUESTION = "What is said in this clip?";

    @Test
    void anInputAudioPartIsAnsweredLikeVisionChatWithTheClip() throws Exception {
        Path clip = TestData.file("test-2.mp3");
        GenerationResult expected;
        try (LocalModel local = LocalModel.builder().modelPath(Fixtures.tinyQwen2())
                .mmprojPath(Fixtures.tinyUltravoxMmproj()).build()) {
            expected = Reference.visionChat(local, clip, 8, QUESTION).getFirst();
        }
        try (LlamaServer server = TestServers.start(b -> b.projector(Fixtures.tinyUltravoxMmproj()).slotContextSize(2048))) {
            HttpResponse<String> r = TestServers.post(server, "/v1/chat/completions", body(clip, "mp3"), null);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode answer = JSON.readTree(r.body());
            assertTrue(expected.tokens().length > 2, "a non-trivial answer");
            assertEquals(expected.text(), answer.at("/choices/0/message/content").asText());
            assertTrue(answer.at("/usage/prompt_tokens").asInt() > 100, r.body());

            HttpResponse<String> bad = TestServers.post(server, "/v1/chat/completions", body(clip, "ogg"), null);
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("input_audio.format"), bad.body());
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
