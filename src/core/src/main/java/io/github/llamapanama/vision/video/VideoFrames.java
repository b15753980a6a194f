package io.github.llamapanama.vision.video;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Opens videos for frame sampling, in pure Java:
 * <ul>
 *   <li>animated GIF, with the JDK's reader; frames are composed (offsets, transparency,
 *       disposal) into full pictures; fps from the frame delays;</li>
 *   <li>MP4/MOV with H.264 video, through jcodec; frames in presentation order; fps from the
 *       track's timing;</li>
 *   <li>a directory of jpg/png/bmp/gif frames in natural name order, at 1 fps.</li>
 * </ul>
 * The kind is recognised by content (GIF signature, ISO-BMFF box), not by name.
 */
public final class VideoFrames {
    /** What {@link #open} reads, for error messages. */
    public static final String SUPPORTED = "animated GIF, MP4/MOV with H.264 video (via jcodec),"
            + " or a directory of jpg/png/bmp/gif frames";

    private static final byte[][] MP4_FIRST_BOXES = boxTypes("ftyp", "moov", "mdat", "free", "skip", "wide", "pnot");

    private VideoFrames() {
    }

    /** {@link #open(Path, VideoLimits)} with {@link VideoLimits#DEFAULT}. */
    public static Video open(Path path) throws IOException {
        return open(path, VideoLimits.DEFAULT);
    }

    /**
     * Opens {@code path}: reads the container's header and frame index, checks them against
     * {@code limits}, decodes nothing.
     *
     * @throws VideoFormatException for an unsupported kind of file, a corrupt one, or one
     *                              beyond the limits
     * @throws IOException          if it cannot be read
     */
    public static Video open(Path path, VideoLimits limits) throws IOException {
        if (Files.isDirectory(path)) {
            return ImageDirectoryVideo.open(path, limits);
        }
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString());
        }
        String name = path.toString();
        limits.checkBytes(name, Files.size(path));
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(12);
        }
        String signature = new String(head, 0, Math.min(6, head.length), StandardCharsets.ISO_8859_1);
        if (signature.equals("GIF87a") || signature.equals("GIF89a")) {
            return GifVideo.open(path, name, limits);
        }
        if (head.length >= 8 && isMp4Box(Arrays.copyOfRange(head, 4, 8))) {
            if (!jcodecPresent()) {
                throw new VideoFormatException(name + ": MP4 video needs org.jcodec:jcodec 0.2.5 on the classpath"
                        + " (an optional dependency of llama-panama: add it to read MP4/MOV)");
            }
            return Mp4Video.open(path, name, limits);
        }
        throw new VideoFormatException(name + ": unsupported video (" + describe(head, path) + "); supported: "
                + SUPPORTED);
    }

    private static boolean jcodecPresent() {
        try {
            Class.forName("org.jcodec.api.FrameGrab", false, VideoFrames.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static boolean isMp4Box(byte[] type) {
        for (byte[] known : MP4_FIRST_BOXES) {
            if (Arrays.equals(known, type)) {
                return true;
            }
        }
        return false;
    }

    /** A guess at what the file is, so the message says more than "unsupported". */
    private static String describe(byte[] head, Path path) {
        String ascii = new String(head, StandardCharsets.ISO_8859_1);
        if (head.length >= 4 && (head[0] & 0xFF) == 0x1A && (head[1] & 0xFF) == 0x45
                && (head[2] & 0xFF) == 0xDF && (head[3] & 0xFF) == 0xA3) {
            return "Matroska/WebM";
        }
        if (ascii.startsWith("RIFF") && ascii.startsWith("AVI ", 8)) {
            return "AVI";
        }
        if (ascii.startsWith("RIFF") && ascii.startsWith("WEBP", 8)) {
            return "WebP";
        }
        if (head.length > 0 && head[0] == 0x47) {
            return "maybe MPEG-TS";
        }
        if (head.length < 8) {
            return "too short to be a video";
        }
        String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (file.endsWith(".mp4") || file.endsWith(".mov") || file.endsWith(".m4v")) {
            return "named like MP4 but not an ISO-BMFF file";
        }
        return "unrecognised signature";
    }

    private static byte[][] boxTypes(String... types) {
        byte[][] out = new byte[types.length][];
        for (int i = 0; i < types.length; i++) {
            out[i] = types[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return out;
    }
}
