package io.github.llamapanama.vision.video;

import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An animated GIF through the JDK's GIF reader, which hands out each frame as stored: often a
 * partial sub-image with transparent pixels, at an offset, relying on the previous frame's
 * disposal. Frames are composed here on a logical-screen canvas as browsers do, so each
 * frame is the full picture.
 */
final class GifVideo implements Video {
    private static final String IMAGE_FORMAT = "javax_imageio_gif_image_1.0";
    private static final String STREAM_FORMAT = "javax_imageio_gif_stream_1.0";
    /** Browsers play delays of 0 or 1 hundredths at 10 fps; so do we. */
    private static final int MIN_DELAY = 2;
    private static final int DEFAULT_DELAY = 10;

    private final Path path;
    private final String name;
    private final int width;
    private final int height;
    private final int background;
    private final List<FrameInfo> frames;
    private final double fps;

    /** A frame's placement and disposal, from its metadata. */
    private record FrameInfo(int left, int top, int width, int height, String disposal) {
    }

    private GifVideo(Path path, String name, int width, int height, int background, List<FrameInfo> frames,
                     double fps) {
        this.path = path;
        this.name = name;
        this.width = width;
        this.height = height;
        this.background = background;
        this.frames = frames;
        this.fps = fps;
    }

    static GifVideo open(Path path, String name, VideoLimits limits) throws IOException {
        byte[] header = new byte[13];
        try (InputStream in = Files.newInputStream(path)) {
            if (in.readNBytes(header, 0, 13) < 13) {
                throw new VideoFormatException(name + " is a truncated GIF (no logical screen descriptor)");
            }
        }
        int screenWidth = (header[6] & 0xFF) | (header[7] & 0xFF) << 8;
        int screenHeight = (header[8] & 0xFF) | (header[9] & 0xFF) << 8;
        limits.checkFrame(name, Math.max(screenWidth, 1), Math.max(screenHeight, 1));
        try (Reader reader = new Reader(path, name)) {
            List<FrameInfo> frames = new ArrayList<>();
            long hundredths = 0;
            for (int i = 0; ; i++) {
                IIOMetadata metadata;
                try {
                    metadata = reader.reader.getImageMetadata(i);
                } catch (IndexOutOfBoundsException end) {
                    break;
                }
                limits.checkFrameCount(name, i + 1);
                Node root = metadata.getAsTree(IMAGE_FORMAT);
                Node descriptor = child(root, "ImageDescriptor");
                if (descriptor == null) {
                    throw new VideoFormatException(name + ": frame " + i + " has no image descriptor");
                }
                FrameInfo frame = new FrameInfo(intAttr(descriptor, "imageLeftPosition"),
                        intAttr(descriptor, "imageTopPosition"), intAttr(descriptor, "imageWidth"),
                        intAttr(descriptor, "imageHeight"), "none");
                limits.checkFrame(name + " frame " + i, frame.width, frame.height);
                Node control = child(root, "GraphicControlExtension");
                int delay = 0;
                if (control != null) {
                    frame = new FrameInfo(frame.left, frame.top, frame.width, frame.height,
                            attr(control, "disposalMethod"));
                    delay = intAttr(control, "delayTime");
                }
                hundredths += delay < MIN_DELAY ? DEFAULT_DELAY : delay;
                frames.add(frame);
            }
            limits.checkFrameCount(name, frames.size());
            // A zero logical screen (seen in the wild) means: as large as the first frame.
            int width = screenWidth > 0 ? screenWidth : frames.get(0).left + frames.get(0).width;
            int height = screenHeight > 0 ? screenHeight : frames.get(0).top + frames.get(0).height;
            limits.checkFrame(name, width, height);
            double fps = frames.size() / (hundredths / 100.0);
            return new GifVideo(path, name, width, height, background(reader.reader), List.copyOf(frames), fps);
        } catch (IOException | RuntimeException e) {
            throw failure(name, e);
        }
    }

    @Override
    public int frameCount() {
        return frames.size();
    }

    @Override
    public double fps() {
        return fps;
    }

    @Override
    public List<BufferedImage> frames(int[] indices) throws IOException {
        Indices.check(indices, frameCount());
        int last = Arrays.stream(indices).max().orElse(-1);
        Map<Integer, BufferedImage> composed = new HashMap<>();
        for (int i : indices) {
            composed.put(i, null);
        }
        // 0 is transparent: nothing drawn yet, or cleared by "restoreToBackgroundColor".
        int[] canvas = new int[Math.multiplyExact(width, height)];
        try (Reader reader = new Reader(path, name)) {
            for (int i = 0; i <= last; i++) {
                FrameInfo frame = frames.get(i);
                // Only the frame's rectangle changes, so only it needs saving: a full-canvas copy
                // per frame would let a small file with many tiny frames cost gigabytes.
                int[] previous = frame.disposal.equals("restoreToPrevious") ? copyRect(canvas, frame, null) : null;
                BufferedImage image = reader.reader.read(i);
                draw(canvas, image, frame);
                if (composed.containsKey(i)) {
                    composed.put(i, snapshot(canvas));
                }
                switch (frame.disposal) {
                    case "restoreToBackgroundColor" -> clear(canvas, frame);
                    case "restoreToPrevious" -> copyRect(canvas, frame, previous);
                    default -> {
                        // "none", "doNotDispose" and reserved values leave the frame in place
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw failure(name, e);
        }
        List<BufferedImage> out = new ArrayList<>(indices.length);
        for (int i : indices) {
            out.add(composed.get(i));
        }
        return out;
    }

    /** Opaque pixels of the frame over the canvas, clipped to it (GIF alpha is all or nothing). */
    private void draw(int[] canvas, BufferedImage image, FrameInfo frame) {
        int w = Math.min(image.getWidth(), width - frame.left);
        int h = Math.min(image.getHeight(), height - frame.top);
        if (w <= 0 || h <= 0) {
            return;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            int base = (frame.top + y) * width + frame.left;
            for (int x = 0; x < w; x++) {
                if (row[x] >>> 24 != 0) {
                    canvas[base + x] = row[x] | 0xFF000000;
                }
            }
        }
    }

    /**
     * The canvas under the frame's rectangle (clipped to the canvas) into a new array, or,
     * given {@code saved}, back from it.
     */
    private int[] copyRect(int[] canvas, FrameInfo frame, int[] saved) {
        int left = Math.min(frame.left, width);
        int top = Math.min(frame.top, height);
        int w = Math.min(frame.left + frame.width, width) - left;
        int h = Math.min(frame.top + frame.height, height) - top;
        int[] rect = saved != null ? saved : new int[w * h];
        for (int y = 0; y < h; y++) {
            if (saved == null) {
                System.arraycopy(canvas, (top + y) * width + left, rect, y * w, w);
            } else {
                System.arraycopy(rect, y * w, canvas, (top + y) * width + left, w);
            }
        }
        return rect;
    }

    private void clear(int[] canvas, FrameInfo frame) {
        if (frame.left >= width || frame.top >= height) {
            return;
        }
        int right = Math.min(width, frame.left + frame.width);
        int bottom = Math.min(height, frame.top + frame.height);
        for (int y = frame.top; y < bottom; y++) {
            Arrays.fill(canvas, y * width + frame.left, y * width + right, 0);
        }
    }

    /** The canvas as RGB, transparent pixels shown in the GIF's background colour. */
    private BufferedImage snapshot(int[] canvas) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < canvas.length; i++) {
            pixels[i] = canvas[i] >>> 24 == 0 ? background : canvas[i] & 0xFFFFFF;
        }
        return out;
    }

    /** The global colour table's background entry, or black without one. */
    private static int background(ImageReader reader) throws IOException {
        IIOMetadata stream = reader.getStreamMetadata();
        if (stream == null) {
            return 0;
        }
        Node root = stream.getAsTree(STREAM_FORMAT);
        Node table = child(root, "GlobalColorTable");
        if (table == null) {
            return 0;
        }
        String index = attr(table, "backgroundColorIndex");
        for (Node entry = table.getFirstChild(); entry != null; entry = entry.getNextSibling()) {
            if (index.equals(attr(entry, "index"))) {
                return intAttr(entry, "red") << 16 | intAttr(entry, "green") << 8 | intAttr(entry, "blue");
            }
        }
        return 0;
    }

    private static Node child(Node parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return n;
            }
        }
        return null;
    }

    private static String attr(Node node, String name) {
        NamedNodeMap attributes = node.getAttributes();
        Node value = attributes == null ? null : attributes.getNamedItem(name);
        return value == null ? "" : value.getNodeValue();
    }

    private static int intAttr(Node node, String name) {
        String value = attr(node, name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new VideoFormatException("GIF metadata " + node.getNodeName() + "." + name + " is '" + value + "'");
        }
    }

    private static VideoFormatException failure(String name, Exception e) {
        if (e instanceof VideoFormatException v) {
            return v;
        }
        return new VideoFormatException(name + " is a corrupt or truncated GIF (" + e + ")", e);
    }

    /** The JDK GIF reader on the file, random access, metadata kept. */
    private static final class Reader implements AutoCloseable {
        final ImageReader reader;
        private final ImageInputStream input;

        Reader(Path path, String name) throws IOException {
            input = ImageIO.createImageInputStream(path.toFile());
            if (input == null) {
                throw new IOException("cannot read " + name);
            }
            var readers = ImageIO.getImageReadersByFormatName("gif");
            if (!readers.hasNext()) {
                input.close();
                throw new VideoFormatException("this JDK has no GIF reader");
            }
            reader = readers.next();
            reader.setInput(input, false, false);
        }

        @Override
        public void close() throws IOException {
            reader.dispose();
            input.close();
        }
    }
}
