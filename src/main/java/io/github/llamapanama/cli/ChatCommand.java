package io.github.llamapanama.cli;

import io.github.llamapanama.chat.ChatSession;
import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.chat.OverflowPolicy;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "chat", description = "Chat in the terminal; /reset starts over, /exit or end of input quits.")
final class ChatCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "512")
    int maxTokens;

    @Option(names = "--system", description = "system message")
    String system;

    @Option(names = "--template", description = "built-in chat template to use when the model has none (default chatml)",
            defaultValue = "chatml")
    String template;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Model model = options.load();
             Context context = model.newContext(options.contextParams());
             Sampler sampler = Sampler.of(options.samplingParams(), model.vocab(), context.contextSize())) {
            ChatSession chat = new ChatSession(context, sampler, ChatTemplate.of(model, template),
                    OverflowPolicy.DROP_OLDEST_TURNS, 0);
            if (system != null) {
                chat.system(system);
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                out.print("> ");
                String line = in.readLine();
                if (line == null || line.equals("/exit")) {
                    break;
                }
                if (line.equals("/reset")) {
                    chat.reset();
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                chat.send(line, GenerationParams.maxTokens(maxTokens)).stream(out::append);
                out.println();
            }
        }
        return 0;
    }
}
