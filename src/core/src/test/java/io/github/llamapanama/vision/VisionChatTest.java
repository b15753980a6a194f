package io.github.llamapanama.vision;

import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VisionChatTest {
    private static Model model;
    private static Projector projector;

    @BeforeAll
    static void load() {
        model = Model.load(Fixtures.tinyQwen2());
        projector = Projector.load(Fixtures.tinyInternVlMmproj(), model);
    }

    @AfterAll
    static void close() {
        projector.close();
        model.close();
    }

    @Test
    void laterTurnsEvaluateOnlyTheirNewTokensAndContinueLikeAFreshEvaluation() {
        GenerationParams p = GenerationParams.maxTokens(8);
        String second;
        try (Context ctx = model.newContext(ContextParams.builder().contextSize(2048).build());
             Sampler s = Sampler.builder().greedy().build();
             Bitmap image = Bitmap.read(projector, TestData.file("test-1.jpeg"))) {
            VisionChat chat = new VisionChat(ctx, projector, s, ChatTemplate.of(model));
            chat.send("<image>\nPlease describe the image shortly.", List.of(image), p).result();
            int first = chat.lastPromptTokens();
            assertTrue(first > Fixtures.imageTokens(), "the first turn evaluates the image: " + first);
            second = chat.send("And the colours?", List.of(), p).text();
            int again = chat.lastPromptTokens();
            assertTrue(again < 30, "the second turn evaluates only its own text: " + again);
            assertEquals(4, chat.messages().size());
        }
        // The same conversation evaluated in one go gives the same second answer.
        try (Context ctx = model.newContext(ContextParams.builder().contextSize(2048).build());
             Sampler s = Sampler.builder().greedy().build();
             Bitmap image = Bitmap.read(projector, TestData.file("test-1.jpeg"))) {
            VisionChat chat = new VisionChat(ctx, projector, s, ChatTemplate.of(model));
            String firstAnswer = chat.send("<image>\nPlease describe the image shortly.", List.of(image), p).text();
            chat.reset();
            String text = "<image>\nPlease describe the image shortly.";
            var fresh = new VisionChat(ctx, projector, s, ChatTemplate.of(model));
            fresh.send(text, List.of(image), p).result();
            assertEquals(firstAnswer, fresh.messages().get(1).content());
            assertEquals(second, fresh.send("And the colours?", List.of(), p).text());
        }
    }

    @Test
    void multiImagePromptsAreNumberedAndCounted() {
        assertEquals("Image-1: <image>\nImage-2: <image>\nCompare.", VisionChat.placeMarkers("Compare.", 2));
        assertEquals("<image>\nDescribe.", VisionChat.placeMarkers("Describe.", 1));
        try (Context ctx = model.newContext(ContextParams.builder().contextSize(2048).build());
             Sampler s = Sampler.builder().greedy().build();
             Bitmap a = Bitmap.read(projector, TestData.file("test-1.jpeg"));
             Bitmap b = Bitmap.read(projector, TestData.file("test-1.jpeg"))) {
            VisionChat chat = new VisionChat(ctx, projector, s, ChatTemplate.of(model));
            chat.send("What differs between the two images?", List.of(a, b), GenerationParams.maxTokens(4)).result();
            assertTrue(chat.lastPromptTokens() > 2 * Fixtures.imageTokens());
            assertTrue(chat.messages().getFirst().content().startsWith("Image-1: <__media__>\nImage-2: <__media__>\n"));
            VisionException e = assertThrows(VisionException.class,
                    () -> chat.send("<image> only one placeholder", List.of(a, b), GenerationParams.maxTokens(4)));
            assertTrue(e.getMessage().contains("must match"), e.getMessage());
            assertEquals(2, chat.messages().size(), "a refused turn leaves the history as it was");
        }
    }

    @Test
    void imagesNeedAProjectorOfTheSameModel() {
        try (Model other = Model.load(Fixtures.tinyQwen2(io.github.llamapanama.fixtures.QuantFormat.Q8_0));
             Context ctx = other.newContext(ContextParams.builder().contextSize(512).build());
             Sampler s = Sampler.builder().greedy().build()) {
            assertThrows(IllegalArgumentException.class, () -> new VisionChat(ctx, projector, s, ChatTemplate.of(other)));
        }
    }
}
