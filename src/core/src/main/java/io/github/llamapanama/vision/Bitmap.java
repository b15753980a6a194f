package io.github.llamapanama.vision;

import io.github.llamapanama.internal.NativeResource;
import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.ffm.LlamaNative;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An image (RGB, 8 bits a channel) or an audio clip (PCM float samples at the projector's rate),
 * as mtmd_bitmap. Every factory checks sizes in Java first.
 */
public final class Bitmap extends NativeResource {
    private final MemorySegment bitmap;
    private final int width;
    private final int height;
    private final boolean audio;

    private Bitmap(MemorySegment bitmap) {
        super("bitmap");
        this.bitmap = bitmap.reinterpret(arena, LlamaNative::mtmd_bitmap_free);
        this.width = LlamaNative.mtmd_bitmap_get_nx(this.bitmap);
        this.height = LlamaNative.mtmd_bitmap_get_ny(this.bitmap);
        this.audio = LlamaNative.mtmd_bitmap_is_audio(this.bitmap);
    }

    /** An image from packed RGB bytes, row by row. */
    public static Bitmap ofRgb(int width, int height, byte[] rgb) {
        return ofRgb(width, height, rgb, MediaLimits.defaults());
    }

    public static Bitmap ofRgb(int width, int height, byte[] rgb, MediaLimits limits) {
        limits.checkImage(width, height, "image");
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("RGB data of " + rgb.length + " bytes does not fit " + width + "x"
                    + height + " (needs " + (long) width * height * 3 + ")");
        }
        NativeRuntime.ensureInitialized();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment data = call.allocateFrom(ValueLayout.JAVA_BYTE, rgb);
            return created(LlamaNative.mtmd_bitmap_init(width, height, data), "image");
        }
    }

    /** An image from a {@link BufferedImage} of any type (alpha is dropped). */
    public static Bitmap of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        MediaLimits.defaults().checkImage(w, h, "image");
        byte[] rgb = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                int p = row[x];
                rgb[o] = (byte) (p >> 16);
                rgb[o + 1] = (byte) (p >> 8);
                rgb[o + 2] = (byte) p;
            }
        }
        return ofRgb(w, h, rgb);
    }

    /** An audio clip of mono PCM samples at the projector's sample rate. */
    public static Bitmap ofAudio(float[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no audio samples");
        }
        NativeRuntime.ensureInitialized();
        try (Arena call = Arena.ofConfined()) {
            return created(LlamaNative.mtmd_bitmap_init_from_audio(samples.length,
                    call.allocateFrom(ValueLayout.JAVA_FLOAT, samples)), "audio");
        }
    }

    /** Reads and decodes an image or audio file (see {@link #decode(Projector, byte[], MediaLimits)}). */
    public static Bitmap read(Projector projector, Path file) {
        return read(projector, file, MediaLimits.defaults());
    }

    public static Bitmap read(Projector projector, Path file, MediaLimits limits) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new VisionException("media file not found: " + file);
            }
            limits.checkBytes(Files.size(file), file.toString());
            return decode(projector, Files.readAllBytes(file), limits);
        } catch (IOException e) {
            throw new VisionException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static Bitmap decode(Projector projector, byte[] data) {
        return decode(projector, data, MediaLimits.defaults());
    }

    /**
     * Decodes JPEG, PNG, GIF or BMP images (with stb_image, as llama.cpp's tools do) and WAV, MP3
     * or FLAC audio (with miniaudio, resampled to the projector's rate). The format, size and,
     * for images, the header's dimensions are checked before native code sees the bytes.
     */
    public static Bitmap decode(Projector projector, byte[] data, MediaLimits limits) {
        limits.checkBytes(data.length, "media");
        MediaFormat format = MediaFormat.detect(data);
        if (format.isAudio()) {
            projector.requireAudio();
        } else {
            projector.requireVision();
            int[] size = MediaFormat.imageSize(data, format);
            limits.checkImage(size[0], size[1], format + " image");
        }
        return projector.decodeMedia(data, format);
    }

    static Bitmap created(MemorySegment bitmap, String what) {
        if (bitmap.equals(MemorySegment.NULL)) {
            throw new VisionException("mtmd could not create the " + what);
        }
        return new Bitmap(bitmap);
    }

    /** Image width in pixels; for audio, the number of samples. */
    public int width() {
        return width;
    }

    /** Image height in pixels; 1 for audio. */
    public int height() {
        return height;
    }

    public boolean isAudio() {
        return audio;
    }

    /** The image as a {@link BufferedImage} (TYPE_INT_RGB), e.g. to cut it into tiles. */
    public BufferedImage toImage() {
        ensureOpen();
        if (audio) {
            throw new IllegalStateException("an audio clip is not an image");
        }
        byte[] rgb = LlamaNative.mtmd_bitmap_get_data(bitmap).reinterpret((long) width * height * 3)
                .toArray(ValueLayout.JAVA_BYTE);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0, o = y * width * 3; x < width; x++, o += 3) {
                row[x] = (rgb[o] & 0xff) << 16 | (rgb[o + 1] & 0xff) << 8 | (rgb[o + 2] & 0xff);
            }
            image.setRGB(0, y, width, 1, row, 0, width);
        }
        return image;
    }

    /**
     * FNV-1a (64-bit) of the bitmap's bytes (RGB pixels or float samples), the hash llama-server
     * gives each image as its chunk id: equal content, equal hash.
     */
    public long contentHash() {
        ensureOpen();
        long n = LlamaNative.mtmd_bitmap_get_n_bytes(bitmap);
        MemorySegment data = LlamaNative.mtmd_bitmap_get_data(bitmap).reinterpret(n);
        long hash = 0xcbf29ce484222325L;
        byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
        for (long at = 0; at < n; at += buf.length) {
            int len = (int) Math.min(buf.length, n - at);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, buf, 0, len);
            for (int i = 0; i < len; i++) {
                hash ^= buf[i] & 0xff;
                hash *= 0x100000001b3L;
            }
        }
        return hash;
    }

    /** {@link #contentHash()} as llama-server writes it (unsigned decimal), for {@link #setId}. */
    public String contentId() {
        return Long.toUnsignedString(contentHash());
    }

    /** An id that mtmd carries into the chunks made from this bitmap (for caching). */
    public void setId(String id) {
        ensureOpen();
        try (Arena call = Arena.ofConfined()) {
            LlamaNative.mtmd_bitmap_set_id(bitmap, call.allocateFrom(id));
        }
    }

    public String id() {
        ensureOpen();
        MemorySegment id = LlamaNative.mtmd_bitmap_get_id(bitmap);
        return id.equals(MemorySegment.NULL) ? null : id.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    MemorySegment handle() {
        ensureOpen();
        return bitmap;
    }

    @Override
    public String toString() {
        return audio ? "Bitmap[audio, " + width + " samples]" : "Bitmap[" + width + "x" + height + "]";
    }
}
