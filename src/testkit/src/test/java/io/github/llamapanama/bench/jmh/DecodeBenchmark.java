package io.github.llamapanama.bench.jmh;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Decoding one token on the tiny model (4 layers, n_embd 256), where the model's compute is
 * small enough that the Java side of {@link Context#decode} shows: batch filling, Java's batch
 * checks, the by-value llama_batch downcall. The KV cache is cleared when it fills, every
 * {@code CONTEXT - 1} tokens.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DecodeBenchmark {
    private static final int CONTEXT = 512;

    /** One thread keeps ggml's thread synchronisation out of the per-call figure. */
    @Param({"1"})
    int threads;

    private Model model;
    private Context context;
    private Batch batch;
    private int position;
    private int token;

    @Setup(Level.Trial)
    public void setUp() {
        model = Model.load(Fixtures.tinyQwen2());
        context = model.newContext(ContextParams.builder().contextSize(CONTEXT).threads(threads).build());
        batch = context.newBatch();
    }

    @Benchmark
    public int decodeOneToken() {
        if (position == CONTEXT - 1) {
            context.kvCache().clear();
            position = 0;
        }
        token = (token * 31 + 7) % 700; // regular tokens of the tiny vocabulary
        context.decode(batch.clear().add(token, position++, 0, true));
        return position;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batch.close();
        context.close();
        model.close();
    }
}
