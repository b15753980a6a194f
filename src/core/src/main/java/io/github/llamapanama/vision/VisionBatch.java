package io.github.llamapanama.vision;

import io.github.llamapanama.chat.ChatMessage;
import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.generation.BatchGenerator;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.sampling.Sampler;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Several independent image + question pairs answered in parallel sequences of one context,
 * as the model card's {@code batch_chat}; answers come back in input order.
 */
public final class VisionBatch {
    private VisionBatch() {}

    /** One question with its images ({@value VisionChat#IMAGE} placeholders, or put in front). */
    public record Question(String text, List<Bitmap> images) {
        public Question {
            images = List.copyOf(images);
        }
    }

    /**
     * @param samplers makes one sampler per question (they carry per-sequence state); they are
     *                 closed when done
     */
    public static List<GenerationResult> answer(Context context, Projector projector, ChatTemplate template,
                                                List<Question> questions, Supplier<Sampler> samplers,
                                                GenerationParams params) {
        List<BatchGenerator.Job> jobs = new ArrayList<>();
        List<Sampler> made = new ArrayList<>();
        try {
            for (Question q : questions) {
                String user = VisionChat.placeMarkers(q.text(), q.images().size()).replace(VisionChat.IMAGE, projector.mediaMarker());
                String prompt = template.apply(List.of(ChatMessage.user(user)), true);
                Sampler sampler = samplers.get();
                made.add(sampler);
                jobs.add(new BatchGenerator.Job((ctx, seq) -> {
                    try (InputChunks chunks = projector.tokenize(prompt, q.images(), true)) {
                        return projector.evaluate(ctx, chunks, 0, seq).position();
                    }
                }, sampler, params));
            }
            return new BatchGenerator(context).generate(jobs);
        } finally {
            made.forEach(Sampler::close);
        }
    }
}
