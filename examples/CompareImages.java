///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 22+
//DEPS io.github.llamapanama:llama-panama:0.1.0-SNAPSHOT
// The natives of the platform JBang runs on (os-maven-plugin's names: linux-x86_64, osx-aarch_64, ...).
//DEPS io.github.llamapanama:llama-panama-natives:0.1.0-SNAPSHOT:${os.detected.classifier}
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED

import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.sampling.SamplingParams;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.VisionChat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Puts several images in one prompt and asks how they compare. */
public class CompareImages {
    static final String USAGE = "usage: CompareImages --model FILE --mmproj FILE [--prompt TEXT] [--temp 0.8] [--seed N]"
            + " [--max-tokens 256] IMAGE IMAGE...";

    public static void main(String[] args) {
        Map<String, String> opt = new HashMap<>();
        List<String> images = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") && i + 1 < args.length) opt.put(args[i].substring(2), args[++i]);
            else images.add(args[i]);
        }
        if (!opt.containsKey("model") || !opt.containsKey("mmproj") || images.size() < 2) {
            System.err.println(USAGE);
            System.exit(2);
        }
        // InternVL's multi-image prompt: each image numbered on its own line, then the question.
        StringBuilder prompt = new StringBuilder();
        for (int i = 1; i <= images.size(); i++) {
            prompt.append("Image-").append(i).append(": ").append(VisionChat.IMAGE).append('\n');
        }
        prompt.append(opt.getOrDefault("prompt", "What are the similarities and differences between these images?"));
        // --temp 0 samples greedily and --seed fixes the random one: either makes runs repeatable.
        SamplingParams sampling = SamplingParams.builder()
                .temperature(Float.parseFloat(opt.getOrDefault("temp", "0.8")))
                .seed(Long.parseLong(opt.getOrDefault("seed", String.valueOf(Sampler.RANDOM_SEED))))
                .build();
        try (Model model = Model.load(Path.of(opt.get("model")));
             Projector projector = Projector.load(Path.of(opt.get("mmproj")), model);
             Context context = model.newContext(ContextParams.builder().contextSize(4096).build());
             Sampler sampler = Sampler.of(sampling, model.vocab())) {
            List<Bitmap> bitmaps = new ArrayList<>();
            try {
                for (String image : images) bitmaps.add(Bitmap.read(projector, Path.of(image)));
                VisionChat chat = new VisionChat(context, projector, sampler, ChatTemplate.of(model));
                chat.send(prompt.toString(), bitmaps, GenerationParams.maxTokens(
                        Integer.parseInt(opt.getOrDefault("max-tokens", "256")))).stream(piece -> {
                    System.out.print(piece);
                    System.out.flush();
                });
                System.out.println();
            } finally {
                bitmaps.forEach(Bitmap::close);
            }
        }
    }
}
