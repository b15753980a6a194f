package io.github.llamapanama.vision.video;

import org.jcodec.api.FrameGrab;
import org.jcodec.api.PictureWithMetadata;
import org.jcodec.api.SequenceEncoder;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class Mp4VideoTest {
    @TempDir
    Path dir;

    /** Frame i of both test videos is one flat colour (bar a moving white box). */
    private static int color(int i) {
        return (i * 8) % 256 << 16 | (255 - (i * 8) % 256) << 8 | (i * 37) % 256;
    }

    private static void assertColor(int expected, int actual, String what) {
        assertColor(expected, actual, 12, what);
    }

    private static void assertColor(int expected, int actual, int tolerance, String what) {
        for (int shift = 0; shift < 24; shift += 8) {
            int e = expected >> shift & 0xFF;
            int a = actual >> shift & 0xFF;
            assertTrue(Math.abs(e - a) <= tolerance, what + ": expected ~" + Integer.toHexString(expected) + ", got "
                    + Integer.toHexString(actual));
        }
    }

    /** A short H.264 MP4 written by jcodec's own encoder: 30 frames of 64x48 at 15 fps. */
    private Path jcodecMp4() throws IOException {
        Path file = dir.resolve("jcodec.mp4");
        try (FileChannelWrapper out = NIOUtils.writableChannel(file.toFile())) {
            SequenceEncoder encoder = SequenceEncoder.createWithFps(out, Rational.R(15, 1));
            for (int i = 0; i < 30; i++) {
                Picture picture = Picture.create(64, 48, ColorSpace.RGB);
                byte[] data = picture.getPlaneData(0);
                int rgb = color(i);
                for (int p = 0; p < 64 * 48; p++) {
                    data[p * 3] = (byte) ((rgb >> 16) - 128);
                    data[p * 3 + 1] = (byte) ((rgb >> 8 & 0xFF) - 128);
                    data[p * 3 + 2] = (byte) ((rgb & 0xFF) - 128);
                }
                encoder.encodeNativeFrame(picture);
            }
            encoder.finish();
        }
        return file;
    }

    /**
     * From ffmpeg/libx264 (see references.py next to it): 30 frames of 90x60 (cropped from 96x64
     * macroblocks), High profile, CABAC, B-frames, so decode order differs from display order.
     */
    private Path bframesMp4() throws IOException {
        Path file = dir.resolve("bframes.mp4");
        try (InputStream in = getClass().getResourceAsStream("bframes-90x60.mp4")) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    /**
     * Every frame decoded by plain jcodec (FrameGrab from the start, no seeking, no guards),
     * put in presentation-time order: the reference for the decoder under test.
     */
    private static List<BufferedImage> plainJcodec(Path file) throws Exception {
        record Timed(double pts, int decodeIndex, BufferedImage image) {
        }
        List<Timed> frames = new ArrayList<>();
        try (FileChannelWrapper in = NIOUtils.readableChannel(file.toFile())) {
            FrameGrab grab = FrameGrab.createFrameGrab(in);
            PictureWithMetadata picture;
            while ((picture = grab.getNativeFrameWithMetadata()) != null) {
                frames.add(new Timed(picture.getTimestamp(), frames.size(), Pictures.toRgb(picture.getPicture())));
            }
        }
        frames.sort(Comparator.comparingDouble(Timed::pts).thenComparingInt(Timed::decodeIndex));
        return frames.stream().map(Timed::image).toList();
    }

    private static void assertSamePixels(BufferedImage expected, BufferedImage actual, String what) {
        assertEquals(expected.getWidth(), actual.getWidth(), what);
        assertEquals(expected.getHeight(), actual.getHeight(), what);
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                if (expected.getRGB(x, y) != actual.getRGB(x, y)) {
                    fail(what + " differs at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void jcodecEncodedRoundTrip() throws Exception {
        Path file = jcodecMp4();
        Video video = VideoFrames.open(file);
        assertInstanceOf(Mp4Video.class, video);
        assertEquals(30, video.frameCount());
        assertEquals(15.0, video.fps(), 1e-9);
        List<BufferedImage> reference = plainJcodec(file);
        List<BufferedImage> frames = video.frames(IntStream.range(0, 30).toArray());
        for (int i = 0; i < 30; i++) {
            assertEquals(64, frames.get(i).getWidth());
            assertEquals(48, frames.get(i).getHeight());
            assertSamePixels(reference.get(i), frames.get(i), "frame " + i);
            // jcodec's encoder is lossy on these colour jumps (ffmpeg decodes the same), hence ~
            assertColor(color(i), frames.get(i).getRGB(10, 10), 40, "frame " + i);
        }
        int[] picked = FrameSampler.indices(30, 15.0, null, 4);
        assertArrayEquals(new int[] {3, 10, 17, 25}, picked); // get_index(None, 15, 29, 0, 4)
        List<BufferedImage> sampled = video.sample(4); // 25 is a sync sample: a seek
        for (int k = 0; k < 4; k++) {
            assertSamePixels(reference.get(picked[k]), sampled.get(k), "sample " + k);
        }
    }

    @Test
    void bFramesComeOutInDisplayOrderAndCropped() throws Exception {
        Path file = bframesMp4();
        Video video = VideoFrames.open(file);
        assertEquals(30, video.frameCount());
        assertEquals(10.0, video.fps(), 1e-9);
        int[] all = IntStream.range(0, 30).toArray();
        List<BufferedImage> frames = video.frames(all);
        List<BufferedImage> reference = plainJcodec(file); // CABAC: the slice padding changes nothing
        for (int i = 0; i < 30; i++) {
            BufferedImage frame = frames.get(i);
            assertSamePixels(reference.get(i), frame, "frame " + i);
            assertEquals(90, frame.getWidth());
            assertEquals(60, frame.getHeight());
            assertColor(color(i), frame.getRGB(2, 50), "frame " + i);
            assertColor(0xFFFFFF, frame.getRGB(2 * i + 5, 12), "white box of frame " + i);
        }
        // Seeking: frames asked out of order and sparsely, some after a sync sample, some not.
        int[] asked = {29, 3, 17, 16, 0, 25, 3};
        List<BufferedImage> some = video.frames(asked);
        for (int k = 0; k < asked.length; k++) {
            assertSamePixels(reference.get(asked[k]), some.get(k), "asked frame " + asked[k]);
        }
        List<BufferedImage> sampled = video.sample(8);
        int[] picked = FrameSampler.indices(30, 10.0, null, 8);
        assertArrayEquals(new int[] {1, 5, 8, 12, 15, 19, 23, 26}, picked); // get_index(None, 10, 29, 0, 8)
        for (int k = 0; k < 8; k++) {
            assertColor(color(picked[k]), sampled.get(k).getRGB(2, 50), "sample " + k);
        }
    }

    private Path resource(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream(name)) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    private static long decoderThreads() {
        // jcodec's H264Decoder pool uses Executors.defaultThreadFactory: "pool-N-thread-M"
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("pool-")).count();
    }

    @Test
    void multiSliceFramesDecodeAsPlainJcodecAndLeaveNoThreads() throws Exception {
        Path file = resource("slices-90x60.mp4"); // four CABAC slices a frame, each padded on its own
        Video video = VideoFrames.open(file);
        List<BufferedImage> reference = plainJcodec(file);
        long before = decoderThreads();
        for (int call = 0; call < 3; call++) {
            List<BufferedImage> frames = video.frames(IntStream.range(0, 30).toArray());
            for (int i = 0; i < 30; i++) {
                assertSamePixels(reference.get(i), frames.get(i), "frame " + i);
            }
        }
        // Each call's decoder pool is shut down; its threads end shortly after.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (decoderThreads() > before && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(decoderThreads() <= before, "decoder threads left behind: " + decoderThreads() + " > " + before);
    }

    @Test
    void frameSizeLimitUsesTheCodedSize() throws IOException {
        Path file = bframesMp4();
        VideoFormatException e = assertThrows(VideoFormatException.class,
                () -> VideoFrames.open(file, new VideoLimits(1 << 20, 96 * 64 - 1, 1000)));
        assertTrue(e.getMessage().contains("96x64"), e.getMessage());
        assertThrows(VideoFormatException.class, () -> VideoFrames.open(file, new VideoLimits(1 << 20, 1 << 20, 29)));
    }

    private static int indexOf(byte[] bytes, String fourcc) {
        byte[] needle = fourcc.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + 4 <= bytes.length; i++) {
            for (int k = 0; k < 4; k++) {
                if (bytes[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(fourcc + " not found");
    }

    private static void putInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    @Test
    void hostileTableCountsAreRefusedBeforeJcodecAllocates() throws IOException {
        byte[] good = Files.readAllBytes(bframesMp4());
        for (String table : new String[] {"stsz", "stts", "stss", "stco", "stsc", "ctts"}) {
            byte[] bytes = good.clone();
            int count = indexOf(bytes, table) + (table.equals("stsz") ? 12 : 8);
            putInt(bytes, count, 0x7FFFFFF0);
            Path file = dir.resolve(table + ".mp4");
            Files.write(file, bytes);
            VideoFormatException e = assertThrows(VideoFormatException.class, () -> VideoFrames.open(file), table);
            assertTrue(e.getMessage().contains(table), e.getMessage());
        }
        byte[] bytes = good.clone();
        putInt(bytes, indexOf(bytes, "moov") - 4, 0x7FFFFFF0);
        Path file = dir.resolve("moov.mp4");
        Files.write(file, bytes);
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> VideoFrames.open(file));
        assertTrue(e.getMessage().contains("moov box is cut off"), e.getMessage());
    }

    @Test
    void malformedMetadataIsNeverShownToJcodec() throws IOException {
        // One byte less in the ilst item's 'data' box leaves a 1-byte tail, on which jcodec
        // 0.2.5's IListBox parser spins forever; udta/meta are masked as 'free', so this decodes.
        byte[] bytes = Files.readAllBytes(bframesMp4());
        int data = indexOf(Arrays.copyOfRange(bytes, indexOf(bytes, "ilst"), bytes.length), "data")
                + indexOf(bytes, "ilst");
        bytes[data - 1]--;
        Path file = dir.resolve("ilst.mp4");
        Files.write(file, bytes);
        List<BufferedImage> frames = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Video video = VideoFrames.open(file);
            return video.frames(new int[] {0, 29});
        });
        assertColor(color(29), frames.get(1).getRGB(2, 50), "frame 29");
    }

    @Test
    void truncatedFilesAreClearErrors() throws IOException {
        byte[] good = Files.readAllBytes(bframesMp4());
        for (int cut : new int[] {8, 40, 600, good.length / 2, good.length - 100}) {
            Path file = dir.resolve("cut" + cut + ".mp4");
            Files.write(file, Arrays.copyOf(good, cut));
            assertThrows(VideoFormatException.class, () -> {
                Video video = VideoFrames.open(file);
                video.frames(IntStream.range(0, video.frameCount()).toArray());
            }, "cut at " + cut);
        }
    }

    @Test
    void corruptedBytesNeverHangOrEscapeAsOtherErrors() throws IOException {
        // Unguarded, about 1 in 300 of these hung jcodec for good: CABAC past a slice's end, a
        // slice header's reordering loop past its NAL (growing a list), a 64-bit box size
        // walking the parser backwards, the ilst loop. Both entropy coders, both layouts
        // (moov first with B-frames from ffmpeg; mdat first, CAVLC, from jcodec).
        byte[] cabac = Files.readAllBytes(bframesMp4());
        byte[] cavlc = Files.readAllBytes(jcodecMp4());
        int refused = assertTimeoutPreemptively(Duration.ofSeconds(180),
                () -> fuzz(cabac, 150, 42) + fuzz(cavlc, 150, 7));
        assertTrue(refused > 0);
    }

    private int fuzz(byte[] good, int rounds, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int refused = 0;
        for (int round = 0; round < rounds; round++) {
            byte[] bytes = good.clone();
            // Half the time in the first 1600 bytes (the moov of the faststart file).
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                int at = random.nextInt(random.nextBoolean() ? Math.min(bytes.length, 1600) : bytes.length);
                bytes[at] = (byte) random.nextInt(256);
            }
            Path file = dir.resolve("fuzz" + round + ".mp4");
            Files.write(file, bytes);
            try {
                Video video = VideoFrames.open(file);
                video.frames(IntStream.range(0, video.frameCount()).toArray());
            } catch (VideoFormatException e) {
                refused++;
            } catch (Throwable t) {
                fail("round " + round + " escaped as " + t, t);
            }
            Files.delete(file);
        }
        return refused;
    }

    @Test
    void notH264IsRefusedByName() throws IOException {
        byte[] bytes = Files.readAllBytes(bframesMp4());
        int stsd = indexOf(bytes, "stsd");
        int avc1 = stsd + indexOf(Arrays.copyOfRange(bytes, stsd, bytes.length), "avc1"); // not ftyp's brand
        bytes[avc1] = 'h';
        bytes[avc1 + 1] = 'v';
        bytes[avc1 + 2] = 'c';
        bytes[avc1 + 3] = '1';
        Path file = dir.resolve("hevc.mp4");
        Files.write(file, bytes);
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> VideoFrames.open(file));
        assertTrue(e.getMessage().contains("'hvc1'") && e.getMessage().contains("H.264"), e.getMessage());
    }
}
