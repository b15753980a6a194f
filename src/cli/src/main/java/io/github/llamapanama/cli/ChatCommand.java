package io.github.llamapanama.cli;

import io.github.llamapanama.LlamaException;
import io.github.llamapanama.chat.ChatSession;
import io.github.llamapanama.chat.ChatTurn;
import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.chat.OverflowPolicy;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.hub.ModelPair;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.VisionChat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "chat", description = {"Chat in the terminal, with images when the model has a projector.",
        "Commands: /image PATH (attach to the next message), /reset, /save FILE, /load FILE, /exit.",
        "Ctrl-C stops the current answer; at the prompt it quits."})
final class ChatCommand implements Callable<Integer> {
    @Option(names = {"-n", "--max-tokens"}, defaultValue = "512")
    int maxTokens;

    @Option(names = "--system", description = "system message")
    String system;

    @Option(names = "--template", defaultValue = "chatml",
            description = "built-in chat template when the model has none (default ${DEFAULT-VALUE})")
    String template;

    @Option(names = "--text-only", description = "do not load a projector (with --model and no --mmproj this is implied)")
    boolean textOnly;

    @Mixin
    ModelSource source;

    @Mixin
    RuntimeOptions runtime;

    @Mixin
    SamplingOptions sampling;

    /** The answer being streamed, for Ctrl-C. */
    private final AtomicReference<Runnable> cancelCurrent = new AtomicReference<>();

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ModelPair files = source.resolve(false);
        boolean vision = !textOnly && files.mmproj() != null;
        installInterruptHandler();
        List<Bitmap> pending = new ArrayList<>();
        try (Model model = runtime.load(files.model());
             Projector projector = vision ? Projector.load(files.mmproj(), model, runtime.projectorParams()) : null;
             Context context = model.newContext(runtime.contextParams());
             Sampler sampler = sampling.sampler(model.vocab(), context.contextSize())) {
            ChatTemplate chatTemplate = ChatTemplate.of(model, template);
            VisionChat visionChat = vision ? new VisionChat(context, projector, sampler, chatTemplate) : null;
            ChatSession textChat = vision ? null
                    : new ChatSession(context, sampler, chatTemplate, OverflowPolicy.DROP_OLDEST_TURNS, 0);
            if (system != null) {
                if (vision) {
                    visionChat.system(system);
                } else {
                    textChat.system(system);
                }
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            GenerationParams params = GenerationParams.maxTokens(maxTokens);
            while (true) {
                out.print("> ");
                String line = in.readLine();
                if (line == null || line.equals("/exit")) {
                    break;
                }
                try {
                    if (line.startsWith("/image ")) {
                        if (!vision) {
                            out.println("(no projector: start with --mmproj to send images)");
                        } else {
                            pending.add(Bitmap.read(projector, Path.of(line.substring(7).trim())));
                            out.println("(image attached to your next message)");
                        }
                    } else if (line.equals("/reset")) {
                        if (vision) {
                            visionChat.reset();
                        } else {
                            textChat.reset();
                        }
                    } else if (line.startsWith("/save ")) {
                        Path file = Path.of(line.substring(6).trim());
                        if (vision) {
                            visionChat.save(file);
                        } else {
                            textChat.save(file);
                        }
                        out.println("(saved to " + file + ")");
                    } else if (line.startsWith("/load ")) {
                        Path file = Path.of(line.substring(6).trim());
                        if (vision) {
                            visionChat.load(file);
                        } else {
                            textChat.load(file);
                        }
                        out.println("(loaded " + file + ")");
                    } else if (!line.isBlank()) {
                        GenerationResult r;
                        if (vision) {
                            ChatTurn turn = visionChat.send(line, List.copyOf(pending), params);
                            cancelCurrent.set(turn::cancel);
                            r = turn.stream(out::append);
                        } else {
                            ChatTurn turn = textChat.send(line, params);
                            cancelCurrent.set(turn::cancel);
                            r = turn.stream(out::append);
                        }
                        cancelCurrent.set(null);
                        pending.forEach(Bitmap::close);
                        pending.clear();
                        out.println();
                        if (r.finishReason() == io.github.llamapanama.generation.FinishReason.CANCELLED) {
                            out.println("(stopped)");
                        }
                    }
                } catch (LlamaException | IllegalArgumentException e) {
                    out.println("error: " + e.getMessage());
                }
            }
        } finally {
            pending.forEach(Bitmap::close);
        }
        return 0;
    }

    /** Ctrl-C cancels the answer being generated; at the prompt it ends the program as usual. */
    private void installInterruptHandler() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
                Runnable cancel = cancelCurrent.get();
                if (cancel != null) {
                    cancel.run();
                } else {
                    System.exit(130);
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no SIGINT on this platform: Ctrl-C keeps its default meaning
        }
    }
}
