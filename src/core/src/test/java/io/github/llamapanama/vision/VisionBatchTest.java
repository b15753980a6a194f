package io.github.llamapanama.vision;

import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.BatchGenerator;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class VisionBatchTest {

    @Test
    void batchAnswersEqualTheSamePromptsRunOneAtATime() throws Exception {
        GenerationParams p = GenerationParams.maxTokens(12);
        BufferedImage photo = ImageIO.read(TestData.file("test-1.jpeg").toFile());
        BufferedImage flipped = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_INT_RGB);
        flipped.createGraphics().drawImage(photo, photo.getWidth(), 0, -photo.getWidth(), photo.getHeight(), null);
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Projector projector = Projector.load(Fixtures.tinyInternVlMmproj(), model);
             Bitmap a = Bitmap.of(photo);
             Bitmap b = Bitmap.of(flipped)) {
            List<VisionBatch.Question> questions = List.of(
                    new VisionBatch.Question("<image>\nPlease describe the image shortly.", List.of(a)),
                    new VisionBatch.Question("What is unusual here?", List.of(b)),
                    new VisionBatch.Question("Compare them.", List.of(a, b)));
            List<GenerationResult> batched;
            try (Context ctx = model.newContext(ContextParams.builder().contextSize(4096).maxSequences(3).build())) {
                batched = VisionBatch.answer(ctx, projector, ChatTemplate.of(model), questions,
                        () -> Sampler.builder().greedy().build(), p);
            }
            assertEquals(3, batched.size());
            for (int i = 0; i < questions.size(); i++) {
                try (Context ctx = model.newContext(ContextParams.builder().contextSize(4096).build());
                     Sampler s = Sampler.builder().greedy().build()) {
                    VisionChat chat = new VisionChat(ctx, projector, s, ChatTemplate.of(model));
                    GenerationResult single = chat.send(questions.get(i).text(), questions.get(i).images(), p).result();
                    assertArrayEquals(single.tokens(), batched.get(i).tokens(), "question " + i);
                    assertEquals(single.text(), batched.get(i).text());
                }
            }
        }
    }

    @Test
    void moreJobsThanSequencesWaitForAFreeOneAndKeepTheirOrder() {
        GenerationParams p = GenerationParams.maxTokens(6).withStopAtEndOfGeneration(false);
        List<String> prompts = List.of("Once upon a time", "Hello", "The quick brown fox", "In the beginning", "Why");
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Context ctx = model.newContext(ContextParams.builder().contextSize(1024).maxSequences(2).build())) {
            List<BatchGenerator.Job> jobs = prompts.stream()
                    .map(t -> BatchGenerator.Job.ofText(t, Sampler.builder().greedy().build(), p)).toList();
            List<GenerationResult> results = new BatchGenerator(ctx).generate(jobs);
            for (int i = 0; i < prompts.size(); i++) {
                try (Context single = model.newContext(ContextParams.builder().contextSize(256).build());
                     Sampler s = Sampler.builder().greedy().build()) {
                    int[] expected = new io.github.llamapanama.generation.Generator(single, s)
                            .generate(prompts.get(i), p).finish().tokens();
                    assertArrayEquals(expected, results.get(i).tokens(), prompts.get(i));
                }
            }
            jobs.forEach(j -> j.sampler().close());
            // Jobs may share a sampler: each sequence samples with its own copy.
            try (Sampler shared = Sampler.builder().greedy().build()) {
                List<GenerationResult> twice = new BatchGenerator(ctx).generate(List.of(
                        BatchGenerator.Job.ofText(prompts.get(0), shared, p), BatchGenerator.Job.ofText(prompts.get(0), shared, p)));
                assertArrayEquals(twice.get(0).tokens(), twice.get(1).tokens());
                assertArrayEquals(results.get(0).tokens(), twice.get(0).tokens());
            }
        }
    }
}
