package io.github.llamapanama.spark;

import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.testing.TestData;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.VisionBatch;
import org.apache.spark.sql.SparkSession;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Images, sessions and reference answers for the Spark tests. */
final class SparkFixtures {
    private SparkFixtures() {}

    /** photo.jpg (the shared test image), flipped.png (mirrored) and, if asked, broken.jpg (not an image). */
    static Path imageFolder(Path dir, boolean broken) throws IOException {
        Files.createDirectories(dir);
        Files.copy(TestData.file("test-1.jpeg"), dir.resolve("photo.jpg"));
        BufferedImage photo = ImageIO.read(TestData.file("test-1.jpeg").toFile());
        BufferedImage flipped = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_INT_RGB);
        flipped.createGraphics().drawImage(photo, photo.getWidth(), 0, -photo.getWidth(), photo.getHeight(), null);
        ImageIO.write(flipped, "png", dir.resolve("flipped.png").toFile());
        if (broken) {
            Files.writeString(dir.resolve("broken.jpg"), "this is not an image", StandardCharsets.UTF_8);
        }
        return dir;
    }

    /** {@code count} distinct images (the photo shifted sideways), named img000.png... */
    static List<Path> manyImages(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        BufferedImage photo = ImageIO.read(TestData.file("test-1.jpeg").toFile());
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path p = dir.resolve(String.format("img%03d.png", i));
            ImageIO.write(shifted(photo, i * 7), "png", p.toFile());
            out.add(p);
        }
        return out;
    }

    static BufferedImage shifted(BufferedImage image, int dx) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.createGraphics().drawImage(image, dx, 0, null);
        return out;
    }

    static SparkSession localSession(Path warehouse) {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("llama-panama-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.warehouse.dir", warehouse.toString())
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /** VisionBatch's greedy answers to {@code question} about each image, by file name. */
    static Map<String, GenerationResult> visionBatch(List<Path> images, String question, int maxTokens, int sequences) {
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Projector projector = Projector.load(Fixtures.tinyInternVlMmproj(), model);
             Context ctx = model.newContext(ContextParams.builder().contextSize(1024 * sequences)
                     .maxSequences(sequences).build())) {
            List<Bitmap> bitmaps = new ArrayList<>();
            try {
                List<VisionBatch.Question> questions = new ArrayList<>();
                for (Path image : images) {
                    Bitmap b = Bitmap.read(projector, image);
                    bitmaps.add(b);
                    questions.add(new VisionBatch.Question(question, List.of(b)));
                }
                List<GenerationResult> results = VisionBatch.answer(ctx, projector, ChatTemplate.of(model, "chatml"),
                        questions, () -> Sampler.builder().greedy().build(), GenerationParams.maxTokens(maxTokens));
                Map<String, GenerationResult> out = new LinkedHashMap<>();
                for (int i = 0; i < images.size(); i++) {
                    out.put(images.get(i).getFileName().toString(), results.get(i));
                }
                return out;
            } finally {
                bitmaps.forEach(Bitmap::close);
            }
        }
    }
}
