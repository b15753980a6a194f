package io.github.llamapanama.cli;

import io.github.llamapanama.model.Vocab;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.sampling.SamplingParams;
import picocli.CommandLine.Option;

/** llama.cpp's common sampling options, with its defaults. */
final class SamplingOptions {
    @Option(names = "--temp", defaultValue = "0.8", description = "temperature; 0 = greedy (default ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", defaultValue = "40", description = "(default ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", defaultValue = "0.95", description = "(default ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--min-p", defaultValue = "0.05", description = "(default ${DEFAULT-VALUE})")
    float minP;

    @Option(names = "--repeat-penalty", defaultValue = "1.0", description = "(default ${DEFAULT-VALUE}, off)")
    float repeatPenalty;

    @Option(names = "--seed", description = "sampling seed (default: random)")
    Long seed;

    Sampler sampler(Vocab vocab, int contextSize) {
        SamplingParams.Builder b = SamplingParams.builder().temperature(temperature).topK(topK).topP(topP)
                .minP(minP).penaltyRepeat(repeatPenalty);
        if (seed != null) {
            b.seed(seed);
        }
        return Sampler.of(b.build(), vocab, contextSize);
    }
}
