package io.github.llamapanama.vision.video;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes animated GIFs with the JDK's writer: partial frames, offsets, disposal, delays. */
final class GifFixture {
    static final int BLACK = 0, RED = 1, BLUE = 2, GREEN = 3, YELLOW = 4, WHITE = 5, CLEAR = 6;
    static final int[] RGB = {0x000000, 0xFF0000, 0x0000FF, 0x00FF00, 0xFFFF00, 0xFFFFFF, 0x808080};
    private static final IndexColorModel PALETTE = palette();

    record Frame(int left, int top, int[][] pixels, String disposal, int delay) {
    }

    private final List<Frame> frames = new ArrayList<>();

    GifFixture frame(int left, int top, int[][] pixels, String disposal, int delay) {
        frames.add(new Frame(left, top, pixels, disposal, delay));
        return this;
    }

    /** A w x h block of one palette colour. */
    static int[][] fill(int w, int h, int color) {
        int[][] p = new int[h][w];
        for (int[] row : p) {
            java.util.Arrays.fill(row, color);
        }
        return p;
    }

    void write(Path file) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (Frame f : frames) {
                BufferedImage image = new BufferedImage(f.pixels[0].length, f.pixels.length,
                        BufferedImage.TYPE_BYTE_INDEXED, PALETTE);
                for (int y = 0; y < f.pixels.length; y++) {
                    for (int x = 0; x < f.pixels[0].length; x++) {
                        image.getRaster().setSample(x, y, 0, f.pixels[y][x]);
                    }
                }
                ImageWriteParam param = writer.getDefaultWriteParam();
                IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
                metadata.mergeTree("javax_imageio_gif_image_1.0", tree(f));
                writer.writeToSequence(new IIOImage(image, null, metadata), param);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    private static IIOMetadataNode tree(Frame f) throws IIOInvalidTreeException {
        IIOMetadataNode root = new IIOMetadataNode("javax_imageio_gif_image_1.0");
        IIOMetadataNode descriptor = new IIOMetadataNode("ImageDescriptor");
        descriptor.setAttribute("imageLeftPosition", Integer.toString(f.left));
        descriptor.setAttribute("imageTopPosition", Integer.toString(f.top));
        descriptor.setAttribute("imageWidth", Integer.toString(f.pixels[0].length));
        descriptor.setAttribute("imageHeight", Integer.toString(f.pixels.length));
        descriptor.setAttribute("interlaceFlag", "FALSE");
        root.appendChild(descriptor);
        IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
        control.setAttribute("disposalMethod", f.disposal);
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "TRUE");
        control.setAttribute("delayTime", Integer.toString(f.delay));
        control.setAttribute("transparentColorIndex", Integer.toString(CLEAR));
        root.appendChild(control);
        return root;
    }

    private static IndexColorModel palette() {
        byte[] r = new byte[8];
        byte[] g = new byte[8];
        byte[] b = new byte[8];
        for (int i = 0; i < RGB.length; i++) {
            r[i] = (byte) (RGB[i] >> 16);
            g[i] = (byte) (RGB[i] >> 8);
            b[i] = (byte) RGB[i];
        }
        return new IndexColorModel(3, 8, r, g, b, CLEAR);
    }
}
