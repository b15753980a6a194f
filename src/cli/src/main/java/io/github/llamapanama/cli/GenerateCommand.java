package io.github.llamapanama.cli;

import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.GenerationStats;
import io.github.llamapanama.generation.Generator;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "generate", description = "Continue a text prompt, streaming the output.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE.gguf")
    Path model;

    @Mixin
    RuntimeOptions runtime;

    @Mixin
    SamplingOptions sampling;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "128")
    int maxTokens;

    @Option(names = "--stop", description = "stop string (repeatable)")
    String[] stops = new String[0];

    @Parameters(paramLabel = "PROMPT")
    String prompt;

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Model m = runtime.load(model);
             Context context = m.newContext(runtime.contextParams());
             Sampler sampler = sampling.sampler(m.vocab(), context.contextSize());
             Generator generator = new Generator(context, sampler)) {
            GenerationResult r = generator.generate(prompt, GenerationParams.maxTokens(maxTokens).withStopStrings(stops))
                    .forEach(out::append);
            out.println();
            GenerationStats s = r.stats();
            System.err.printf("%n[%s] prompt %d tokens %.1f t/s, generated %d tokens %.1f t/s%n", r.finishReason(),
                    s.promptTokens(), s.promptTokensPerSecond(), s.generatedTokens(), s.generationTokensPerSecond());
        }
        return 0;
    }
}
