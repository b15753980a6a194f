package io.github.llamapanama.provider;

import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.VisionChat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The library's own answers, with greedy sampling, that the framework adapters must equal. */
public final class Reference {
    private Reference() {}

    /**
     * VisionChat's greedy answers to {@code questions}, in one conversation: the first question
     * comes with {@code media} (an image or audio file), the later ones without.
     */
    public static List<GenerationResult> visionChat(LocalModel model, Path media, int maxTokens, String... questions) {
        Projector projector = model.projector().orElseThrow();
        List<GenerationResult> out = new ArrayList<>();
        try (Context ctx = model.model().newContext(ContextParams.builder().contextSize(4096).build());
             Sampler greedy = Sampler.builder().greedy().build();
             Bitmap bitmap = Bitmap.read(projector, media)) {
            VisionChat chat = new VisionChat(ctx, projector, greedy, model.template());
            for (int i = 0; i < questions.length; i++) {
                out.add(chat.send(questions[i], i == 0 ? List.of(bitmap) : List.of(),
                        GenerationParams.maxTokens(maxTokens)).result());
            }
        }
        return out;
    }
}
