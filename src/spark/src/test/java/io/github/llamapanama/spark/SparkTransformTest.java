package io.github.llamapanama.spark;

import io.github.llamapanama.chat.ChatMessage;
import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.embedding.Embedder;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.BatchGenerator;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.PoolingType;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.testing.TestData;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.VisionBatch;
import io.github.llamapanama.vision.VisionChat;
import io.github.llamapanama.vision.video.VideoFrames;
import io.github.llamapanama.vision.video.VideoPrompt;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transforms in Spark local[2], against the library's own batch engine on the same fixtures. */
class SparkTransformTest {
    static final String QUESTION = "Please describe the image shortly.";
    static final int MAX_TOKENS = 8;

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path images;

    @BeforeAll
    static void start() throws IOException {
        images = SparkFixtures.imageFolder(dir.resolve("images"), true);
        spark = SparkFixtures.localSession(dir.resolve("warehouse"));
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    static VisionTransform.Builder vision() {
        return VisionTransform.builder()
                .model(Fixtures.tinyQwen2().toString(), Fixtures.tinyInternVlMmproj().toString())
                .maxTokens(MAX_TOKENS).sequences(2).contextPerSequence(1024).answerTokens(true);
    }

    static Map<String, Row> byName(Dataset<Row> out, String column) {
        Map<String, Row> rows = new TreeMap<>();
        for (Row r : out.collectAsList()) {
            String key = Path.of(r.<String>getAs(column).replaceFirst("^file:", "")).getFileName().toString();
            assertNull(rows.put(key, r), "row answered twice: " + key);
        }
        return rows;
    }

    static int[] tokens(Row r) {
        List<Integer> ids = r.getList(r.fieldIndex("answer_tokens"));
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void binaryFileImagesAreAnsweredAsVisionBatchAnswersThemAndABrokenOneGetsAnError() throws IOException {
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString()).repartition(2);
        Map<String, Row> rows = byName(vision().prompt(QUESTION).build().transform(files), "path");
        assertEquals(List.of("broken.jpg", "flipped.png", "photo.jpg"), List.copyOf(rows.keySet()));

        Row broken = rows.get("broken.jpg");
        assertNull(broken.getAs("answer"));
        assertTrue(broken.<String>getAs("error").contains("VisionException"), broken.toString());

        Map<String, GenerationResult> expected = SparkFixtures.visionBatch(
                List.of(images.resolve("photo.jpg"), images.resolve("flipped.png")), QUESTION, MAX_TOKENS, 2);
        for (Map.Entry<String, GenerationResult> e : expected.entrySet()) {
            Row r = rows.get(e.getKey());
            assertNull(r.getAs("error"), r.toString());
            assertArrayEquals(e.getValue().tokens(), tokens(r), e.getKey());
            assertEquals(e.getValue().text(), r.getAs("answer"));
            assertEquals(e.getValue().tokens().length, r.<Integer>getAs("generated_tokens"));
            assertEquals(e.getValue().finishReason().name().toLowerCase(), r.getAs("finish_reason"));
            assertTrue(r.<Integer>getAs("prompt_tokens") > Fixtures.imageTokens());
            assertTrue(r.<Double>getAs("inference_ms") > 0);
        }
        assertEquals(1, ExecutorModels.loadedCountOf(Fixtures.tinyQwen2(), Fixtures.tinyInternVlMmproj()), "one model per JVM, shared by the tasks");
    }

    @Test
    void pathColumnAndPromptColumnWithDynamicTilingMatchVisionChat() throws IOException {
        StructType schema = new StructType().add("file", DataTypes.StringType).add("question", DataTypes.StringType);
        List<Row> input = List.of(RowFactory.create(images.resolve("photo.jpg").toString(), "What is in it?"),
                RowFactory.create(images.resolve("flipped.png").toUri().toString(), "<image>\nAnything odd?"));
        Dataset<Row> out = vision().imageColumn("file").promptColumn("question").maxTiles(2).build()
                .transform(spark.createDataFrame(input, schema));
        List<Row> rows = out.collectAsList();
        assertEquals(2, rows.size());
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Projector projector = Projector.load(Fixtures.tinyInternVlMmproj(), model)) {
            for (Row r : rows) {
                Path image = Path.of(r.<String>getAs("file").replaceFirst("^file://", ""));
                try (Context ctx = model.newContext(ContextParams.builder().contextSize(2048).build());
                     Sampler s = Sampler.builder().greedy().build();
                     Bitmap b = Bitmap.read(projector, image)) {
                    GenerationResult single = new VisionChat(ctx, projector, s, ChatTemplate.of(model, "chatml")).maxTiles(2)
                            .send(r.getAs("question"), List.of(b), GenerationParams.maxTokens(MAX_TOKENS)).result();
                    assertArrayEquals(single.tokens(), tokens(r), image.toString());
                }
            }
        }
    }

    @Test
    void failOnErrorFailsTheTaskInsteadOfWritingAnErrorColumn() {
        Dataset<Row> files = spark.read().format("binaryFile").load(images.resolve("broken.jpg").toString());
        SparkException e = assertThrows(SparkException.class,
                () -> vision().prompt(QUESTION).failOnError(true).build().transform(files).collectAsList());
        assertTrue(e.getMessage().contains("RowFailedException"), e.getMessage());
    }

    /**
     * One partition of four rows in four sequences, as BatchGenerator runs them: with random
     * weights, near-tied logits flip when the batch composition changes, so the batches must match.
     */
    @Test
    void textPromptsAreAnsweredAsBatchGeneratorAnswersThem() {
        List<String> prompts = List.of("Once upon a time", "Hello", "The quick brown fox", "Why");
        StructType schema = new StructType().add("prompt", DataTypes.StringType);
        List<Row> input = prompts.stream().map(p -> RowFactory.create(p)).toList();
        Dataset<Row> out = TextTransform.builder().model(Fixtures.tinyQwen2().toString(), null).maxTokens(MAX_TOKENS)
                .sequences(4).contextPerSequence(256).answerTokens(true).build()
                .transform(spark.createDataFrame(input, schema).coalesce(1));
        Map<String, Row> rows = new TreeMap<>();
        out.collectAsList().forEach(r -> rows.put(r.getAs("prompt"), r));
        assertEquals(prompts.size(), rows.size());
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Context ctx = model.newContext(ContextParams.builder().contextSize(1024).maxSequences(4).build());
             Sampler greedy = Sampler.builder().greedy().build()) {
            ChatTemplate template = ChatTemplate.of(model, "chatml");
            List<GenerationResult> expected = new BatchGenerator(ctx).generate(prompts.stream()
                    .map(p -> BatchGenerator.Job.ofText(template.apply(List.of(ChatMessage.user(p)), true), greedy,
                            GenerationParams.maxTokens(MAX_TOKENS))).toList());
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(expected.get(i).tokens(), tokens(rows.get(prompts.get(i))), prompts.get(i));
            }
        }
    }

    /**
     * Ten rows through two sequences with at most three rows held: every row answered, in input
     * order, each as it is answered alone (BatchGenerator with one sequence); the task's context
     * goes back to the executor's pool.
     */
    @Test
    void aLargePartitionFlowsThroughFewSequencesInInputOrder() {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            prompts.add("Count to " + i);
        }
        StructType schema = new StructType().add("prompt", DataTypes.StringType);
        List<Row> rows = TextTransform.builder().model(Fixtures.tinyQwen2().toString(), null).maxTokens(4)
                .sequences(2).rowsInFlight(3).contextPerSequence(128).chat(false).build()
                .transform(spark.createDataFrame(prompts.stream().map(p -> RowFactory.create(p)).toList(), schema)
                        .coalesce(1))
                .collectAsList();
        assertEquals(prompts, rows.stream().map(r -> r.<String>getAs("prompt")).toList());
        rows.forEach(r -> assertNull(r.getAs("error"), r.toString()));
        rows.forEach(r -> assertTrue(r.<Integer>getAs("generated_tokens") >= 1, r.toString()));
    }

    /** The model arrives through SparkContext.addFile, as spark-submit --files ships it. */
    @Test
    void embeddingsEqualTheEmbedders() {
        List<String> texts = new ArrayList<>(List.of("a cat", "a dog on a mat", "", "the fox"));
        StructType schema = new StructType().add("text", DataTypes.StringType);
        spark.sparkContext().addFile(Fixtures.tinyQwen2().toString());
        Dataset<Row> out = EmbeddingTransform.builder()
                .sparkFiles(Fixtures.tinyQwen2().getFileName().toString(), null).build()
                .transform(spark.createDataFrame(texts.stream().map(t -> RowFactory.create(t)).toList(), schema));
        Map<String, Row> rows = new TreeMap<>();
        out.collectAsList().forEach(r -> rows.put(r.getAs("text"), r));
        assertTrue(rows.get("").<String>getAs("error").contains("tokenizes to nothing"), rows.get("").toString());
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Embedder embedder = Embedder.create(model, PoolingType.UNSPECIFIED)) {
            for (String t : List.of("a cat", "a dog on a mat", "the fox")) {
                float[] expected = embedder.embed(t, true);
                List<Float> got = rows.get(t).getList(rows.get(t).fieldIndex("embedding"));
                assertEquals(expected.length, got.size());
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], got.get(i), 1e-4f, t);
                }
            }
        }
    }

    @Test
    void aVideoIsAnsweredFromFramesSampledAsDescribeDoes() throws IOException {
        Path frames = dir.resolve("video");
        Files.createDirectories(frames);
        BufferedImage photo = ImageIO.read(TestData.file("test-1.jpeg").toFile());
        for (int i = 0; i < 4; i++) {
            ImageIO.write(SparkFixtures.shifted(photo, i * 20), "png", frames.resolve("frame" + i + ".png").toFile());
        }
        StructType schema = new StructType().add("path", DataTypes.StringType);
        Dataset<Row> out = VideoTransform.builder()
                .model(Fixtures.tinyQwen2().toString(), Fixtures.tinyInternVlMmproj().toString())
                .prompt("What happens?").frames(2).maxTokens(MAX_TOKENS).sequences(1).answerTokens(true).build()
                .transform(spark.createDataFrame(List.of(RowFactory.create(frames.toString())), schema));
        Row r = out.collectAsList().getFirst();
        assertNull(r.getAs("error"), r.toString());
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Projector projector = Projector.load(Fixtures.tinyInternVlMmproj(), model);
             Context ctx = model.newContext(ContextParams.builder().contextSize(2048).build());
             Sampler s = Sampler.builder().greedy().build()) {
            List<Bitmap> bitmaps = VideoFrames.open(frames).sample(2).stream().map(Bitmap::of).toList();
            try {
                GenerationResult single = new VisionChat(ctx, projector, s, ChatTemplate.of(model, "chatml"))
                        .send(VideoPrompt.prefix(2) + "What happens?", bitmaps, GenerationParams.maxTokens(MAX_TOKENS)).result();
                assertArrayEquals(single.tokens(), tokens(r));
            } finally {
                bitmaps.forEach(Bitmap::close);
            }
        }
        assertNotNull(r.getAs("answer"));
    }

    @Test
    void aMissingColumnOrATakenOutputNameIsRefusedOnTheDriver() {
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        assertThrows(IllegalArgumentException.class, () -> vision().imageColumn("nope").prompt("x").build().transform(files));
        assertThrows(IllegalArgumentException.class,
                () -> vision().prompt("x").build().transform(files.withColumn("answer", files.col("path"))));
        assertThrows(IllegalArgumentException.class, () -> vision().build());
    }
}
