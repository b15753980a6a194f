///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 22+
//DEPS io.github.llamapanama:llama-panama:0.1.0-SNAPSHOT
// The natives of the platform JBang runs on (os-maven-plugin's names: linux-x86_64, osx-aarch_64, ...).
//DEPS io.github.llamapanama:llama-panama-natives:0.1.0-SNAPSHOT:${os.detected.classifier}
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED

import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.sampling.SamplingParams;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.VisionBatch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Describes several images at once, one parallel sequence each; answers print in input order. */
public class BatchDescribe {
    static final String USAGE = "usage: BatchDescribe --model FILE --mmproj FILE [--prompt TEXT] [--temp 0.8] [--seed N]"
            + " [--max-tokens 256] IMAGE...";

    public static void main(String[] args) {
        Map<String, String> opt = new HashMap<>();
        List<String> images = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") && i + 1 < args.length) opt.put(args[i].substring(2), args[++i]);
            else images.add(args[i]);
        }
        if (!opt.containsKey("model") || !opt.containsKey("mmproj") || images.isEmpty()) {
            System.err.println(USAGE);
            System.exit(2);
        }
        String question = "<image>\n" + opt.getOrDefault("prompt", "Please describe the image shortly.");
        // --temp 0 samples greedily and --seed fixes the random one: either makes runs repeatable.
        SamplingParams sampling = SamplingParams.builder()
                .temperature(Float.parseFloat(opt.getOrDefault("temp", "0.8")))
                .seed(Long.parseLong(opt.getOrDefault("seed", String.valueOf(Sampler.RANDOM_SEED))))
                .build();
        int n = images.size();
        // One sequence per image; the context is shared, so it holds n conversations.
        ContextParams contextParams = ContextParams.builder().contextSize(4096 * n).maxSequences(n).build();
        try (Model model = Model.load(Path.of(opt.get("model")));
             Projector projector = Projector.load(Path.of(opt.get("mmproj")), model);
             Context context = model.newContext(contextParams)) {
            List<Bitmap> bitmaps = new ArrayList<>();
            try {
                List<VisionBatch.Question> questions = new ArrayList<>();
                for (String image : images) {
                    bitmaps.add(Bitmap.read(projector, Path.of(image)));
                    questions.add(new VisionBatch.Question(question, List.of(bitmaps.getLast())));
                }
                // Each sequence samples with its own sampler (they keep per-sequence history).
                List<GenerationResult> answers = VisionBatch.answer(context, projector, ChatTemplate.of(model),
                        questions, () -> Sampler.of(sampling, model.vocab()),
                        GenerationParams.maxTokens(Integer.parseInt(opt.getOrDefault("max-tokens", "256"))));
                for (int i = 0; i < n; i++) {
                    System.out.println("== " + images.get(i));
                    System.out.println(answers.get(i).text());
                }
            } finally {
                bitmaps.forEach(Bitmap::close);
            }
        }
    }
}
