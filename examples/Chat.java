///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 22+
//DEPS io.github.llamapanama:llama-panama:0.1.0-SNAPSHOT
// The natives of the platform JBang runs on (os-maven-plugin's names: linux-x86_64, osx-aarch_64, ...).
//DEPS io.github.llamapanama:llama-panama-natives:0.1.0-SNAPSHOT:${os.detected.classifier}
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED

import io.github.llamapanama.chat.ChatSession;
import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.chat.OverflowPolicy;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.PieceListener;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.sampling.SamplingParams;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.VisionChat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Chats in the terminal, one line per message, until end of input (Ctrl-D). */
public class Chat {
    static final String USAGE = "usage: Chat --model FILE [--mmproj FILE --image FILE] [--system TEXT] [--temp 0.8]"
            + " [--seed N] [--max-tokens 512]";

    public static void main(String[] args) throws IOException {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String image = opt.get("image");
        if (!opt.containsKey("model") || args.length % 2 != 0 || (image != null && !opt.containsKey("mmproj"))) {
            System.err.println(USAGE);
            System.exit(2);
        }
        // --temp 0 samples greedily and --seed fixes the random one: either makes runs repeatable.
        SamplingParams sampling = SamplingParams.builder()
                .temperature(Float.parseFloat(opt.getOrDefault("temp", "0.8")))
                .seed(Long.parseLong(opt.getOrDefault("seed", String.valueOf(Sampler.RANDOM_SEED))))
                .build();
        GenerationParams params = GenerationParams.maxTokens(Integer.parseInt(opt.getOrDefault("max-tokens", "512")));
        PieceListener print = piece -> { System.out.print(piece); System.out.flush(); }; // show pieces as they come
        // try-with-resources skips null resources: no projector or bitmap for a text-only chat.
        try (Model model = Model.load(Path.of(opt.get("model")));
             Projector projector = image == null ? null : Projector.load(Path.of(opt.get("mmproj")), model);
             Bitmap bitmap = image == null ? null : Bitmap.read(projector, Path.of(image));
             Context context = model.newContext(ContextParams.builder().contextSize(4096).build());
             Sampler sampler = Sampler.of(sampling, model.vocab())) {
            ChatTemplate template = ChatTemplate.of(model);
            // A long text chat forgets its oldest turns rather than fail when the context is full.
            ChatSession text = image == null
                    ? new ChatSession(context, sampler, template, OverflowPolicy.DROP_OLDEST_TURNS, 0) : null;
            VisionChat vision = image == null ? null : new VisionChat(context, projector, sampler, template);
            if (opt.containsKey("system")) {
                if (text != null) text.system(opt.get("system")); else vision.system(opt.get("system"));
            }
            boolean terminal = System.console() != null && System.console().isTerminal();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            boolean first = true;
            while (true) {
                if (terminal) { System.out.print("> "); System.out.flush(); }
                String line = in.readLine();
                if (line == null) break; // end of input
                if (line.isBlank()) continue;
                if (text != null) text.send(line, params).stream(print);
                else vision.send(line, first ? List.of(bitmap) : List.of(), params).stream(print); // image on turn 1
                first = false;
                System.out.println();
            }
        }
    }
}
