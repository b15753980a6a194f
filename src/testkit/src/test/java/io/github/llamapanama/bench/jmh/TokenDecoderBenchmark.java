package io.github.llamapanama.bench.jmh;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.ModelParams;
import io.github.llamapanama.model.TokenDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Token to text: {@link TokenDecoder#append} (llama_token_to_piece into a reused buffer, then
 * Java's UTF-8 decoding into a StringBuilder), cycling over text tokens of the tiny vocabulary
 * that a real prompt tokenizes to.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TokenDecoderBenchmark {
    private Model model;
    private TokenDecoder decoder;
    private int[] tokens;
    private int next;
    private final StringBuilder out = new StringBuilder(8192);

    @Setup(Level.Trial)
    public void setUp() {
        model = Model.load(Fixtures.tinyQwen2(), ModelParams.builder().vocabOnly(true).build());
        tokens = model.vocab().tokenize("Once upon a time, a small model read a story about café crème and "
                + "naïve œuvres — then wrote one. 日本語 too.", false, false);
        decoder = model.vocab().newDecoder(false);
    }

    @Benchmark
    public int append() {
        if (out.length() > 4096) {
            out.setLength(0);
        }
        int token = tokens[next];
        next = next + 1 == tokens.length ? 0 : next + 1;
        return decoder.append(token, out);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }
}
