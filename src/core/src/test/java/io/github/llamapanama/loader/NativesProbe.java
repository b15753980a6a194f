package io.github.llamapanama.loader;

import io.github.llamapanama.Device;
import io.github.llamapanama.Llama;
import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.ModelParams;

import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Run in a child JVM by the natives ITs, one loader configuration per JVM: prints what was loaded,
 * then greedy-decodes {@code n} tokens by argmax and writes the logits of every step.
 * Arguments: model, gpu layers, tokens to generate, logits file.
 */
public final class NativesProbe {
    private NativesProbe() {}

    public static void main(String[] args) throws IOException {
        NativeLibraries.Loaded loaded = Llama.initialize();
        System.out.println("variant=" + loaded.cpuVariant().orElse("built-in"));
        System.out.println("backends=" + loaded.backends().stream().map(NativeLibraries.Backend::name)
                .collect(Collectors.joining(",")));
        System.out.println("warnings=" + loaded.warnings());
        for (Device d : Llama.devices()) {
            System.out.println("device=" + d.type() + "|" + d.name() + "|" + d.description());
        }
        if (args.length == 0) {
            return;
        }
        int gpuLayers = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        try (Model model = Model.load(Path.of(args[0]), ModelParams.builder().gpuLayers(gpuLayers).build());
             Context ctx = model.newContext(ContextParams.builder().contextSize(256).build());
             Batch batch = Batch.ofTokens(256, 1);
             DataOutputStream logitsOut = new DataOutputStream(Files.newOutputStream(Path.of(args[3])))) {
            int[] prompt = model.vocab().tokenize("The quick brown fox jumps over the lazy dog", true, false);
            for (int i = 0; i < prompt.length; i++) {
                batch.add(prompt[i], i, 0, i == prompt.length - 1);
            }
            int pos = prompt.length;
            int[] out = new int[n];
            int vocab = ctx.vocabSize();
            logitsOut.writeInt(vocab);
            for (int step = 0; step < n; step++) {
                ctx.decode(batch);
                MemorySegment logits = ctx.logits(batch.size() - 1);
                int best = 0;
                for (int t = 0; t < vocab; t++) {
                    float v = logits.getAtIndex(ValueLayout.JAVA_FLOAT, t);
                    logitsOut.writeFloat(v);
                    if (v > logits.getAtIndex(ValueLayout.JAVA_FLOAT, best)) {
                        best = t;
                    }
                }
                out[step] = best;
                batch.clear().add(best, pos++, 0, true);
            }
            System.out.println("tokens=" + Arrays.stream(out).mapToObj(Integer::toString)
                    .collect(Collectors.joining(",")));
        }
    }
}
