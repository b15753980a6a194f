package io.github.llamapanama.vision.video;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.github.llamapanama.vision.video.GifFixture.BLACK;
import static io.github.llamapanama.vision.video.GifFixture.BLUE;
import static io.github.llamapanama.vision.video.GifFixture.CLEAR;
import static io.github.llamapanama.vision.video.GifFixture.GREEN;
import static io.github.llamapanama.vision.video.GifFixture.RED;
import static io.github.llamapanama.vision.video.GifFixture.RGB;
import static io.github.llamapanama.vision.video.GifFixture.WHITE;
import static io.github.llamapanama.vision.video.GifFixture.YELLOW;
import static io.github.llamapanama.vision.video.GifFixture.fill;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GifVideoTest {
    @TempDir
    Path dir;
    Path gif;

    /**
     * 40x30, five frames: a red background; a blue square kept; a green square cleared after
     * showing; a yellow dot inside a mostly transparent frame undone after showing; a white pixel.
     */
    @BeforeEach
    void writeGif() throws IOException {
        int[][] dot = fill(8, 8, CLEAR);
        dot[2][3] = YELLOW;
        gif = dir.resolve("anim.gif");
        new GifFixture()
                .frame(0, 0, fill(40, 30, RED), "none", 10)
                .frame(5, 5, fill(10, 10, BLUE), "doNotDispose", 10)
                .frame(20, 10, fill(10, 10, GREEN), "restoreToBackgroundColor", 20)
                .frame(1, 1, dot, "restoreToPrevious", 0)
                .frame(39, 29, fill(1, 1, WHITE), "none", 50)
                .write(gif);
    }

    private static int rgb(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xFFFFFF;
    }

    @Test
    void framesAreComposedWithOffsetsAndDisposal() throws IOException {
        Video video = VideoFrames.open(gif);
        assertInstanceOf(GifVideo.class, video);
        assertEquals(5, video.frameCount());
        // 10 + 10 + 20 + (0 -> 10) + 50 hundredths = 1 s for 5 frames
        assertEquals(5.0, video.fps(), 1e-9);
        List<BufferedImage> f = video.frames(new int[] {0, 1, 2, 3, 4});
        for (BufferedImage image : f) {
            assertEquals(40, image.getWidth());
            assertEquals(30, image.getHeight());
            assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
        }
        assertEquals(RGB[RED], rgb(f.get(0), 7, 7));
        assertEquals(RGB[BLUE], rgb(f.get(1), 7, 7));       // offset sub-image drawn at (5, 5)
        assertEquals(RGB[RED], rgb(f.get(1), 4, 4));
        assertEquals(RGB[GREEN], rgb(f.get(2), 25, 15));
        assertEquals(RGB[BLUE], rgb(f.get(2), 7, 7));       // doNotDispose kept the blue square
        assertEquals(RGB[YELLOW], rgb(f.get(3), 4, 3));     // (1 + 3, 1 + 2)
        assertEquals(RGB[BLUE], rgb(f.get(3), 7, 7));       // transparent pixels show what is below
        assertEquals(RGB[RED], rgb(f.get(3), 2, 2));
        assertEquals(RGB[BLACK], rgb(f.get(3), 25, 15));    // the green square was cleared
        assertEquals(RGB[WHITE], rgb(f.get(4), 39, 29));
        assertEquals(RGB[RED], rgb(f.get(4), 4, 3));        // restoreToPrevious removed the yellow dot
        assertEquals(RGB[BLUE], rgb(f.get(4), 7, 7));
    }

    @Test
    void framesComeInTheOrderAsked() throws IOException {
        Video video = VideoFrames.open(gif);
        List<BufferedImage> f = video.frames(new int[] {4, 1, 4});
        assertEquals(RGB[WHITE], rgb(f.get(0), 39, 29));
        assertEquals(RGB[RED], rgb(f.get(1), 39, 29));
        assertEquals(RGB[WHITE], rgb(f.get(2), 39, 29));
        assertThrows(IllegalArgumentException.class, () -> video.frames(new int[] {5}));
        assertThrows(IllegalArgumentException.class, () -> video.frames(new int[] {-1}));
    }

    @Test
    void sampleTakesSegmentMidpoints() throws IOException {
        Video video = VideoFrames.open(gif);
        int[] expected = FrameSampler.indices(5, 5.0, null, 3);
        assertArrayEquals(new int[] {0, 1, 3}, expected);
        List<BufferedImage> f = video.sample(3);
        assertEquals(3, f.size());
        assertEquals(RGB[RED], rgb(f.get(0), 7, 7));
        assertEquals(RGB[BLUE], rgb(f.get(1), 7, 7));
        assertEquals(RGB[YELLOW], rgb(f.get(2), 4, 3));
        // 0.2 s .. 0.8 s at 5 fps: frames 1..4
        assertArrayEquals(FrameSampler.indices(5, 5.0, new double[] {0.2, 0.8}, 2),
                new int[] {1, 3});
        assertEquals(RGB[YELLOW], rgb(video.sample(2, 0.2, 0.8).get(1), 4, 3));
    }

    @Test
    void hugeLogicalScreenIsRefusedBeforeDecoding() throws IOException {
        byte[] bytes = Files.readAllBytes(gif);
        bytes[6] = bytes[7] = bytes[8] = bytes[9] = (byte) 0xFF; // 65535 x 65535
        Path huge = dir.resolve("huge.gif");
        Files.write(huge, bytes);
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> VideoFrames.open(huge));
        assertTrue(e.getMessage().contains("65535x65535"), e.getMessage());
    }

    @Test
    void hugeFrameDescriptorIsRefusedBeforeDecoding() throws IOException {
        // A hand-made GIF: 10x10 screen, one 60000x60000 frame with a 2-colour local table.
        byte[] bytes = {
                'G', 'I', 'F', '8', '9', 'a', 10, 0, 10, 0, 0, 0, 0,
                0x2C, 0, 0, 0, 0, (byte) 0x60, (byte) 0xEA, (byte) 0x60, (byte) 0xEA, (byte) 0x80,
                0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                2, 2, 0x4C, 0x01, 0, 0x3B};
        Path hostile = dir.resolve("hostile.gif");
        Files.write(hostile, bytes);
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> VideoFrames.open(hostile));
        assertTrue(e.getMessage().contains("60000x60000"), e.getMessage());
    }

    @Test
    void truncatedGifIsAClearError() throws IOException {
        byte[] bytes = Files.readAllBytes(gif);
        for (int cut : new int[] {5, 13, 40, bytes.length / 2, bytes.length - 20}) {
            Path truncated = dir.resolve("cut" + cut + ".gif");
            Files.write(truncated, Arrays.copyOf(bytes, cut));
            VideoFormatException e = assertThrows(VideoFormatException.class, () -> {
                Video video = VideoFrames.open(truncated);
                video.frames(java.util.stream.IntStream.range(0, video.frameCount()).toArray());
            }, "cut at " + cut);
            assertTrue(e.getMessage().contains(truncated.toString()), e.getMessage());
        }
    }

    @Test
    void corruptedBytesOnlyEverGiveVideoFormatException() throws IOException {
        byte[] good = Files.readAllBytes(gif);
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int round = 0; round < 300; round++) {
            byte[] bytes = good.clone();
            for (int k = 0; k < 1 + random.nextInt(3); k++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            Path file = dir.resolve("fuzz.gif");
            Files.write(file, bytes);
            try {
                Video video = VideoFrames.open(file);
                video.frames(java.util.stream.IntStream.range(0, video.frameCount()).toArray());
            } catch (VideoFormatException expected) {
                // refused with a message
            } catch (Throwable t) {
                throw new AssertionError("round " + round + " escaped as " + t, t);
            }
        }
    }

    @Test
    void byteLimit() {
        VideoLimits small = new VideoLimits(100, VideoLimits.DEFAULT.maxPixels(), 1000);
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> VideoFrames.open(gif, small));
        assertTrue(e.getMessage().contains("over the limit of 100"), e.getMessage());
    }
}
