package io.github.llamapanama.vision;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * The media formats accepted as encoded bytes, recognised by their magic numbers. Images are
 * decoded by mtmd (stb_image), audio by mtmd (miniaudio), exactly as llama.cpp's own tools do;
 * before that, an image's size is read from its header in Java and checked against
 * {@link MediaLimits}.
 */
public enum MediaFormat {
    JPEG(false), PNG(false), GIF(false), BMP(false), WAV(true), MP3(true), FLAC(true);

    private final boolean audio;

    MediaFormat(boolean audio) {
        this.audio = audio;
    }

    public boolean isAudio() {
        return audio;
    }

    /** The format of {@code data}, or a {@link VisionException} naming the supported ones. */
    public static MediaFormat detect(byte[] data) {
        if (startsWith(data, 0xff, 0xd8, 0xff)) return JPEG;
        if (startsWith(data, 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a)) return PNG;
        if (startsWith(data, 'G', 'I', 'F', '8')) return GIF;
        if (startsWith(data, 'B', 'M') && data.length > 26) return BMP;
        if (startsWith(data, 'R', 'I', 'F', 'F') && data.length > 12
                && data[8] == 'W' && data[9] == 'A' && data[10] == 'V' && data[11] == 'E') return WAV;
        if (startsWith(data, 'f', 'L', 'a', 'C')) return FLAC;
        if (startsWith(data, 'I', 'D', '3') || data.length > 2 && (data[0] & 0xff) == 0xff && (data[1] & 0xe0) == 0xe0) return MP3;
        throw new VisionException("unsupported or corrupt media (" + data.length + " bytes): images must be JPEG, PNG, "
                + "GIF or BMP, audio WAV, MP3 or FLAC");
    }

    private static boolean startsWith(byte[] data, int... magic) {
        if (data.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((data[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** Width and height from the image header, without decoding pixels. */
    static int[] imageSize(byte[] data, MediaFormat format) {
        if (format == GIF && data.length >= 10) { // the logical screen, which stb_image allocates
            int w = (data[6] & 0xff) | (data[7] & 0xff) << 8;
            int h = (data[8] & 0xff) | (data[9] & 0xff) << 8;
            return new int[] {w, h};
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new VisionException("corrupt " + format + " image: unreadable header");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof VisionException v) {
                throw v;
            }
            throw new VisionException("corrupt " + format + " image: " + e.getMessage(), e);
        }
    }
}
