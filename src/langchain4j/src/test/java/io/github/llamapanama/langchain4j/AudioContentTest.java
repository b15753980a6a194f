package io.github.llamapanama.langchain4j;

import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.provider.Reference;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LangChain4j's AudioContent through the Ultravox-shaped audio projector. */
class AudioContentTest {

    @Test
    void anAudioClipIsAnsweredLikeVisionChatWithTheClip() throws Exception {
        Path clip = TestData.file("test-2.mp3");
        String question = "What is said in this clip?";
        try (LlamaChatModel model = LlamaChatModel.builder().modelPath(Fixtures.tinyQwen2())
                .mmprojPath(Fixtures.tinyUltravoxMmproj()).build()) {
            GenerationResult expected = Reference.visionChat(model.localModel(), clip, 8, question).getFirst();
            ChatResponse r = model.chat(ChatRequest.builder()
                    .messages(UserMessage.from(AudioContent.from(Base64.getEncoder().encodeToString(Files.readAllBytes(clip)),
                            "audio/mpeg"), TextContent.from(question)))
                    .parameters(LlamaChatRequestParameters.builder().temperature(0.0).maxOutputTokens(8).build())
                    .build());
            assertTrue(expected.tokens().length > 2, "a non-trivial answer");
            assertEquals(expected.text(), r.aiMessage().text());
            assertTrue(r.tokenUsage().inputTokenCount() > 100, r.tokenUsage().toString());
        }
    }
}
