package io.github.llamapanama.bench;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The image test's default picture, drawn rather than shipped: 640x480, so that the projector
 * resizes it as it would a photo, with smooth gradients and hard edges. Its content does not move
 * the timings (every image becomes one 448x448 tile of InternVL), its size and format do.
 */
public final class BenchImage {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 480;
    /** How a report names it. */
    public static final String DESCRIPTION = "drawn " + WIDTH + "x" + HEIGHT + " PNG";

    private BenchImage() {}

    /** Writes the picture to {@code file} as PNG, the same bytes every time. */
    public static Path write(Path file) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int r = x * 255 / (WIDTH - 1);
                int g = y * 255 / (HEIGHT - 1);
                int b = ((x / 40) + (y / 40)) % 2 == 0 ? 200 : 40;
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        try {
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark image " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
