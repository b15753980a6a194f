package io.github.llamapanama.generation;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.fixtures.LlamaTools;
import io.github.llamapanama.fixtures.QuantFormat;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.Vocab;
import io.github.llamapanama.sampling.Sampler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Greedy output of the Java API equals llama.cpp's own llama-simple, token for token (compared
 * as the exact bytes of the token pieces), on the same build, fixture and prompt.
 */
class GenerationParityTest {
    private static final int N_PREDICT = 48;

    @ParameterizedTest
    @CsvSource({
            "F16, Once upon a time",
            "F16, The quick brown fox jumps over",
            "Q8_0, Hello world",
            "Q4_K_M, In the beginning",
    })
    void greedyOutputMatchesLlamaSimple(QuantFormat format, String prompt) throws Exception {
        Path model = Fixtures.tinyQwen2(format);
        byte[] expected = llamaSimple(model, prompt);

        try (Model m = Model.load(model);
             Context ctx = m.newContext(ContextParams.builder().contextSize(256).threads(4).build());
             Sampler greedy = Sampler.builder().greedy().build()) {
            Vocab vocab = m.vocab();
            int[] promptTokens = vocab.tokenize(prompt, true, true);
            Generation g = new Generator(ctx, greedy).generate(promptTokens, GenerationParams.maxTokens(N_PREDICT));
            GenerationResult r = g.finish();
            ByteArrayOutputStream actual = new ByteArrayOutputStream();
            for (int t : promptTokens) {
                actual.writeBytes(vocab.tokenBytes(t, true));
            }
            int[] tokens = r.tokens();
            if (r.finishReason() == FinishReason.END_OF_GENERATION) {
                tokens = Arrays.copyOf(tokens, tokens.length - 1); // llama-simple does not print the EOG token
            }
            for (int t : tokens) {
                actual.writeBytes(vocab.tokenBytes(t, true));
            }
            actual.write('\n');
            assertTrue(r.tokens().length >= 8, "a varied, non-trivial continuation: " + r);
            assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual.toByteArray()),
                    "llama-simple:\n" + new String(expected) + "\njava:\n" + actual);
        }
    }

    /** llama-simple's stdout: the prompt's pieces, then the generated pieces, then a newline. */
    static byte[] llamaSimple(Path model, String prompt) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(LlamaTools.tool("llama-simple").toString(),
                "-m", model.toString(), "-n", String.valueOf(N_PREDICT), prompt);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "llama-simple failed");
        return out;
    }

}
