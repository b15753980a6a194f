package io.github.llamapanama.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** llama-mtmd-cli's timings, on output captured from the b5582 (ea1431b) tool. */
class MtmdCliParserTest {
    /** Standard output: mtmd's helper, then the answer (random weights: any bytes, here trimmed). */
    static final String STDOUT = """
            encoding image slice...
            image slice encoded in 10211 ms
            decoding image batch 1/1, n_tokens_batch = 256
            image decoded (batch 1/1) in 2034 ms

             p che ldWed[etter  or look 1z}oundh 0 ack ackjVM hes her ha0ran small ' you b sF over
            image slice encoded in 1 ms

            """;
    /** Standard error, its last lines. */
    static final String STDERR = """
            alloc_compute_meta:        CPU compute buffer size =    84.14 MiB
            llama_perf_context_print:        load time =    1097.23 ms
            llama_perf_context_print: prompt eval time =   12484.92 ms /   277 tokens (   45.07 ms per token,    22.19 tokens per second)
            llama_perf_context_print:        eval time =    1155.89 ms /    31 runs   (   37.29 ms per token,    26.82 tokens per second)
            llama_perf_context_print:       total time =   14382.15 ms /   308 tokens
            """;

    @Test
    void readsEncodePromptAndAnswerTimingsButNotTheAnswer() {
        MtmdCliResult r = MtmdCliParser.parse(STDOUT, STDERR);
        assertEquals(10211, r.encodeMillis());
        assertEquals(256, r.imageTokens());
        assertEquals(12484.92, r.promptEvalMillis(), 1e-9);
        assertEquals(277, r.promptTokens());
        assertEquals(1155.89, r.evalMillis(), 1e-9);
        assertEquals(31, r.evalRuns());
        assertEquals(26.82, r.evalTokensPerSecond(), 0.005, "as the tool prints it");
    }

    @Test
    void sumsTheSlicesOfOneImage() {
        String sliced = STDOUT.replace("decoding image batch 1/1, n_tokens_batch = 256\n",
                "decoding image batch 1/1, n_tokens_batch = 256\nencoding image slice...\n"
                        + "image slice encoded in 789 ms\ndecoding image batch 1/1, n_tokens_batch = 64\n");
        MtmdCliResult r = MtmdCliParser.parse(sliced, STDERR);
        assertEquals(10211 + 789, r.encodeMillis(), "the helper's lines, not the answer's");
        assertEquals(320, r.imageTokens());
    }

    @Test
    void aMissingLineIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MtmdCliParser.parse(STDOUT, STDERR.replace("prompt eval time", "prompt time")));
        assertTrue(e.getMessage().contains("prompt eval time"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MtmdCliParser.parse("", STDERR));
        assertTrue(e.getMessage().contains("image slice encoded"), e.getMessage());
    }

    @Test
    void argumentsMatchTheJavaSide() {
        List<String> args = MtmdCliTool.arguments(Path.of("m.gguf"), Path.of("p.gguf"), Path.of("i.png"), "Hi", 16, 2);
        String line = String.join(" ", args);
        for (String expected : List.of("-m m.gguf", "--mmproj p.gguf", "--image i.png", "-p Hi", "--temp 0",
                "--ignore-eos", "-n 16", "-t 2", "-c 4096", "-b 2048", "-ub 512", "-ctk f16", "-ctv f16")) {
            assertTrue(line.contains(expected), () -> expected + " in " + line);
        }
    }
}
