package io.github.llamapanama.bench.jmh;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.sampling.SamplingParams;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One sampling call, greedy and with a typical chain:
 * <ul>
 *   <li>{@code *Context}: from the context's logits of the tiny model (777 tokens), the hot path
 *       of {@link io.github.llamapanama.generation.Generator}, so mostly the call's own cost; the
 *       chain is llama.cpp's common sampler ({@link SamplingParams#defaults()});</li>
 *   <li>{@code *LargeVocab}: from a float[] of InternVL3-1B's 151,674 logits, so the cost grows
 *       with the vocabulary as in real use; the chain is penalties, top-k 40, top-p 0.95,
 *       min-p 0.05, temperature 0.8, dist.</li>
 * </ul>
 * Samplers accept what they pick, so the penalty history moves on from call to call, as it does
 * in generation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SamplingBenchmark {
    static final int LARGE_VOCAB = 151_674;

    private Model model;
    private Context context;
    private Sampler greedy;
    private Sampler chain;
    private Sampler greedyLarge;
    private Sampler chainLarge;
    private float[] logits;

    @Setup(Level.Trial)
    public void setUp() {
        model = Model.load(Fixtures.tinyQwen2());
        context = model.newContext(ContextParams.builder().contextSize(64).threads(1).build());
        try (Batch batch = context.newBatch()) {
            context.decode(batch.add(10, 0, 0, true)); // logits to sample from, again and again
        }
        greedy = Sampler.builder().greedy().build();
        chain = Sampler.of(SamplingParams.builder().seed(42).build(), model.vocab(), context.contextSize());
        greedyLarge = Sampler.builder().greedy().build();
        chainLarge = Sampler.builder().penalties(64, 1.1f, 0, 0).topK(40).topP(0.95f, 1).minP(0.05f, 1)
                .temperature(0.8f).dist(42).build();
        SplittableRandom random = new SplittableRandom(7);
        logits = new float[LARGE_VOCAB];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (random.nextGaussian() * 3);
        }
    }

    @Benchmark
    public int greedyContext() {
        return greedy.sample(context, -1);
    }

    @Benchmark
    public int chainContext() {
        return chain.sample(context, -1);
    }

    @Benchmark
    public int greedyLargeVocab() {
        return greedyLarge.sample(logits);
    }

    @Benchmark
    public int chainLargeVocab() {
        return chainLarge.sample(logits);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        greedy.close();
        chain.close();
        greedyLarge.close();
        chainLarge.close();
        context.close();
        model.close();
    }
}
