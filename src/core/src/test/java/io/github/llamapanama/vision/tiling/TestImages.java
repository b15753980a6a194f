package io.github.llamapanama.vision.tiling;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/** Test images and reference files shared by the tiling tests. */
final class TestImages {
    private TestImages() {
    }

    /**
     * The synthetic image the committed PIL references were made from (the same formula in
     * Python): smooth gradients on the left, hash noise on the right, a red box in the middle.
     */
    static BufferedImage pattern(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    int v;
                    if (x < w / 2) {
                        v = (x * (c + 1) * 255 / Math.max(1, w) + y * 255 / Math.max(1, h)) & 255;
                    } else {
                        int t = x * 374761393 + y * 668265263 + c * 1442695041;
                        t = (t ^ (t >>> 13)) * 1274126177;
                        v = (t >>> 24) & 255;
                    }
                    if (w / 3 <= x && x < 2 * w / 3 && h / 3 <= y && y < 2 * h / 3) {
                        v = c == 0 ? 255 : 0;
                    }
                    rgb = rgb << 8 | v;
                }
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    /** CRC-32 of the RGB bytes, row by row: PIL's {@code zlib.crc32(image.tobytes())}. */
    static String crc(BufferedImage image) {
        CRC32 crc = new CRC32();
        byte[] row = new byte[image.getWidth() * 3];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                row[x * 3] = (byte) (p >> 16);
                row[x * 3 + 1] = (byte) (p >> 8);
                row[x * 3 + 2] = (byte) p;
            }
            crc.update(row);
        }
        return "%08x".formatted(crc.getValue());
    }

    /** A resource next to this class, without its '#' comment lines. */
    static List<String> resourceLines(String name) {
        try (InputStream in = TestImages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
