package io.github.llamapanama.vision.video;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDirectoryVideoTest {
    @TempDir
    Path dir;

    private void png(String name, int rgb) throws IOException {
        BufferedImage image = new BufferedImage(6, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        ImageIO.write(image, "png", dir.resolve(name).toFile());
    }

    @Test
    void framesInNaturalNameOrder() throws IOException {
        png("frame10.png", 0x00000A);
        png("frame2.PNG", 0x000002);
        png("frame1.png", 0x000001);
        png("frame03.png", 0x000003);
        png("frame100.png", 0x000064);
        Files.writeString(dir.resolve("notes.txt"), "not a frame");
        Files.createDirectory(dir.resolve("sub.png"));

        Video video = VideoFrames.open(dir);
        assertInstanceOf(ImageDirectoryVideo.class, video);
        assertEquals(5, video.frameCount());
        assertEquals(1.0, video.fps());
        List<Integer> order = new ArrayList<>();
        for (BufferedImage image : video.frames(new int[] {0, 1, 2, 3, 4})) {
            assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
            order.add(image.getRGB(0, 0) & 0xFFFFFF);
        }
        assertEquals(List.of(1, 2, 3, 10, 100), order);
        // 5 frames, 2 segments: seg 2, midpoints 1 and 3
        List<BufferedImage> sampled = video.sample(2);
        assertEquals(2, sampled.get(0).getRGB(0, 0) & 0xFFFFFF);
        assertEquals(10, sampled.get(1).getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void grayFramesKeepTheirValues() throws IOException {
        BufferedImage gray = new BufferedImage(3, 3, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(1, 1, 0, 100);
        ImageIO.write(gray, "png", dir.resolve("0.png").toFile());
        BufferedImage frame = VideoFrames.open(dir).frames(new int[] {0}).get(0);
        assertEquals(0x646464, frame.getRGB(1, 1) & 0xFFFFFF);
    }

    @Test
    void naturalOrder() {
        List<String> names = new ArrayList<>(List.of("b.png", "a10.png", "a2.png", "a02.png", "a1b.png", "a1a.png",
                "a.png", "a99999999999999999999999.png", "a100000000000000000000000.png"));
        names.sort(NaturalOrder.INSTANCE);
        assertEquals(List.of("a.png", "a1a.png", "a1b.png", "a02.png", "a2.png", "a10.png",
                "a99999999999999999999999.png", "a100000000000000000000000.png", "b.png"), names);
    }

    @Test
    void emptyDirectoryAndCorruptFrames() throws IOException {
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> VideoFrames.open(dir));
        assertTrue(e.getMessage().contains("no frame images"), e.getMessage());

        png("1.png", 0xFFFFFF);
        Files.write(dir.resolve("2.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Video video = VideoFrames.open(dir);
        assertEquals(2, video.frameCount());
        assertThrows(VideoFormatException.class, () -> video.frames(new int[] {1}));
        assertEquals(1, video.frames(new int[] {0}).size());
    }

    @Test
    void frameSizeLimitIsCheckedFromTheHeader() throws IOException {
        png("1.png", 0);
        Video video = VideoFrames.open(dir, new VideoLimits(1 << 20, 23, 10));
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> video.frames(new int[] {0}));
        assertTrue(e.getMessage().contains("6x4"), e.getMessage());
    }
}
