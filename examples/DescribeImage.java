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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Describes an image, or answers a question about it, streaming the answer. */
public class DescribeImage {
    static final String USAGE = "usage: DescribeImage --model FILE --mmproj FILE --image FILE [--temp 0.8] [--seed N]"
            + " [--max-tokens 256] [QUESTION]";

    public static void main(String[] args) {
        Map<String, String> opt = new HashMap<>();
        StringBuilder question = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") && i + 1 < args.length) {
                opt.put(args[i].substring(2), args[++i]);
            } else {
                question.append(question.isEmpty() ? "" : " ").append(args[i]);
            }
        }
        if (!opt.containsKey("model") || !opt.containsKey("mmproj") || !opt.containsKey("image")) {
            System.err.println(USAGE);
            System.exit(2);
        }
        String text = question.isEmpty() ? "Please describe the image shortly." : question.toString();
        // --temp 0 samples greedily and --seed fixes the random one: either makes runs repeatable.
        SamplingParams sampling = SamplingParams.builder()
                .temperature(Float.parseFloat(opt.getOrDefault("temp", "0.8")))
                .seed(Long.parseLong(opt.getOrDefault("seed", String.valueOf(Sampler.RANDOM_SEED))))
                .build();
        try (Model model = Model.load(Path.of(opt.get("model")));
             Projector projector = Projector.load(Path.of(opt.get("mmproj")), model);
             Context context = model.newContext(ContextParams.builder().contextSize(4096).build());
             Sampler sampler = Sampler.of(sampling, model.vocab());
             Bitmap image = Bitmap.read(projector, Path.of(opt.get("image")))) {
            VisionChat chat = new VisionChat(context, projector, sampler, ChatTemplate.of(model));
            // No <image> in the question: VisionChat puts the image in front of it.
            chat.send(text, List.of(image), GenerationParams.maxTokens(Integer.parseInt(opt.getOrDefault("max-tokens", "256"))))
                    .stream(piece -> {
                        System.out.print(piece);
                        System.out.flush(); // show each piece as it comes, not when the buffer fills
                    });
            System.out.println();
        }
    }
}
