package io.github.llamapanama.spark;

import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.ProjectorParams;
import io.github.llamapanama.vision.VisionBatch;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Images per second through {@link VisionBatch} directly and through {@link VisionTransform} on
 * Spark {@code local[N]}, on the same images, prompt and greedy answers (so the same tokens),
 * with the same cores: the direct run's context gets N threads, and so does each Spark task
 * ({@code spark.task.cpus} = N: one task at a time, like the one direct context).
 *
 * <pre>
 * mvn -q test-compile exec:exec@spark-bench [-Dspark.bench.args="--images 32 --max-tokens 32 --cores 2 --sequences 8"]
 *     [--model M.gguf --mmproj P.gguf] [--shape 1b]  (default: the tiny fixtures)
 * </pre>
 */
public final class SparkThroughput {
    private SparkThroughput() {}

    public static void main(String[] args) throws Exception {
        int images = 32;
        int maxTokens = 32;
        int cores = 2;
        int sequences = 8;
        String model = null;
        String mmproj = null;
        boolean shape1b = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--images" -> images = Integer.parseInt(args[++i]);
                case "--max-tokens" -> maxTokens = Integer.parseInt(args[++i]);
                case "--cores" -> cores = Integer.parseInt(args[++i]);
                case "--sequences" -> sequences = Integer.parseInt(args[++i]);
                case "--model" -> model = args[++i];
                case "--mmproj" -> mmproj = args[++i];
                case "--shape" -> shape1b = "1b".equals(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (model == null) {
            model = (shape1b ? Fixtures.internVl3Shape() : Fixtures.tinyQwen2()).toString();
            mmproj = (shape1b ? Fixtures.internVl3ShapeMmproj() : Fixtures.tinyInternVlMmproj()).toString();
        }
        Path dir = Files.createTempDirectory("spark-bench");
        List<Path> files = SparkFixtures.manyImages(dir.resolve("images"), images);
        // random-weight fixtures rarely end on their own; real models do: both sides answer the same either way
        GenerationParams params = GenerationParams.maxTokens(maxTokens);

        double directSeconds;
        long directTokens = 0;
        try (Model m = Model.load(Path.of(model));
             Projector p = Projector.load(Path.of(mmproj), m, ProjectorParams.defaults().withThreads(cores));
             Context ctx = m.newContext(ContextParams.builder().contextSize(2048 * sequences).maxSequences(sequences)
                     .threads(cores).build())) {
            ChatTemplate template = ChatTemplate.of(m, "chatml");
            direct(ctx, p, template, files.subList(0, Math.min(2, images)), params); // warm-up
            long t0 = System.nanoTime();
            for (GenerationResult r : direct(ctx, p, template, files, params)) {
                directTokens += r.tokens().length;
            }
            directSeconds = (System.nanoTime() - t0) / 1e9;
        }

        double sparkSeconds;
        long sparkTokens;
        SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("llama-panama-spark-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.task.cpus", String.valueOf(cores)) // one task at a time, all cores, as the direct run
                .config("spark.sql.warehouse.dir", dir.resolve("warehouse").toString()).getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            VisionTransform transform = VisionTransform.builder().model(model, mmproj).prompt(SparkTransformTest.QUESTION)
                    .maxTokens(maxTokens).sequences(sequences).contextPerSequence(2048).build();
            transform.transform(spark.read().format("binaryFile").load(files.get(0).toString())).count(); // loads the model
            Dataset<Row> input = spark.read().format("binaryFile").load(dir.resolve("images").toString())
                    .repartition(cores).cache();
            input.count();
            long t0 = System.nanoTime();
            List<Row> rows = transform.transform(input).select("generated_tokens", "error").collectAsList();
            sparkSeconds = (System.nanoTime() - t0) / 1e9;
            sparkTokens = rows.stream().mapToLong(r -> r.isNullAt(0) ? 0 : r.getInt(0)).sum();
            if (rows.size() != images || rows.stream().anyMatch(r -> !r.isNullAt(1))) {
                throw new IllegalStateException("Spark did not answer every image: " + rows);
            }
        } finally {
            spark.stop();
        }

        double direct = images / directSeconds;
        double viaSpark = images / sparkSeconds;
        System.out.printf(Locale.ROOT, "images: %d, max tokens: %d, cores: %d, sequences: %d, model: %s%n",
                images, maxTokens, cores, sequences, Path.of(model).getFileName());
        System.out.printf(Locale.ROOT, "VisionBatch direct    : %7.2f images/s  (%d tokens in %.1f s)%n", direct, directTokens, directSeconds);
        System.out.printf(Locale.ROOT, "Spark local[%d]        : %7.2f images/s  (%d tokens in %.1f s)%n", cores, viaSpark, sparkTokens, sparkSeconds);
        System.out.printf(Locale.ROOT, "ratio Spark / direct  : %7.2fx  (target >= 0.90x)%n", viaSpark / direct);
    }

    private static List<GenerationResult> direct(Context ctx, Projector p, ChatTemplate template, List<Path> files,
                                                 GenerationParams params) {
        List<Bitmap> bitmaps = new ArrayList<>();
        try {
            List<VisionBatch.Question> questions = new ArrayList<>();
            for (Path f : files) {
                Bitmap b = Bitmap.read(p, f);
                bitmaps.add(b);
                questions.add(new VisionBatch.Question(SparkTransformTest.QUESTION, List.of(b)));
            }
            return VisionBatch.answer(ctx, p, template, questions, () -> Sampler.builder().greedy().build(), params);
        } finally {
            bitmaps.forEach(Bitmap::close);
        }
    }
}
