package io.github.llamapanama.vision.video;

import io.github.llamapanama.vision.tiling.PilResize;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A directory of frame images (jpg, jpeg, png, bmp, gif; a GIF counts as its first image),
 * in natural name order: frame2 before frame10. It carries no timing, so {@link #fps()} is
 * {@value #FPS}: bounds in seconds are frame numbers.
 */
final class ImageDirectoryVideo implements Video {
    static final double FPS = 1.0;
    static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

    private final List<Path> files;
    private final VideoLimits limits;

    private ImageDirectoryVideo(List<Path> files, VideoLimits limits) {
        this.files = files;
        this.limits = limits;
    }

    static ImageDirectoryVideo open(Path dir, VideoLimits limits) throws IOException {
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir)) {
            files = entries.filter(Files::isRegularFile)
                    .filter(p -> EXTENSIONS.contains(extension(p)))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString(), NaturalOrder.INSTANCE))
                    .toList();
        }
        if (files.isEmpty()) {
            throw new VideoFormatException(dir + " holds no frame images (" + String.join(", ", EXTENSIONS.stream()
                    .sorted().toList()) + ")");
        }
        limits.checkFrameCount(dir.toString(), files.size());
        return new ImageDirectoryVideo(files, limits);
    }

    static String extension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The frame files, in frame order. */
    List<Path> files() {
        return files;
    }

    @Override
    public int frameCount() {
        return files.size();
    }

    @Override
    public double fps() {
        return FPS;
    }

    @Override
    public List<BufferedImage> frames(int[] indices) throws IOException {
        Indices.check(indices, frameCount());
        List<BufferedImage> out = new ArrayList<>(indices.length);
        for (int i : indices) {
            out.add(read(files.get(i)));
        }
        return out;
    }

    /** One image, its size checked from its header before the pixels are decoded. */
    private BufferedImage read(Path file) throws IOException {
        limits.checkBytes(file.toString(), Files.size(file));
        try (ImageInputStream input = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = input == null ? null : ImageIO.getImageReaders(input);
            if (readers == null || !readers.hasNext()) {
                throw new VideoFormatException(file + " is not an image this JDK can read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                limits.checkFrame(file.toString(), reader.getWidth(0), reader.getHeight(0));
                return PilResize.toRgb(reader.read(0));
            } catch (IOException | RuntimeException e) {
                if (e instanceof VideoFormatException v) {
                    throw v;
                }
                throw new VideoFormatException(file + " is a corrupt or truncated image (" + e + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }
}
