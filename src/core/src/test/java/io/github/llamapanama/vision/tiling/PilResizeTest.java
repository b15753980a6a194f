package io.github.llamapanama.vision.tiling;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PilResizeTest {

    @Test
    void matchesPillowBitForBit() {
        // CRC-32 of Pillow 9.4's Image.resize((w, h)) of the same synthetic image: up- and
        // downscaling, one axis only, 1x1, and same size.
        for (String line : TestImages.resourceLines("pil-resize-crc.csv")) {
            String[] f = line.split(",");
            BufferedImage source = TestImages.pattern(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
            BufferedImage out = PilResize.bicubic(source, Integer.parseInt(f[2]), Integer.parseInt(f[3]));
            assertEquals(f[4], TestImages.crc(out), line);
        }
    }

    @Test
    void sameSizeIsAnExactCopy() {
        BufferedImage source = TestImages.pattern(37, 23);
        BufferedImage out = PilResize.bicubic(source, 37, 23);
        for (int y = 0; y < 23; y++) {
            for (int x = 0; x < 37; x++) {
                assertEquals(source.getRGB(x, y), out.getRGB(x, y));
            }
        }
    }

    @Test
    void constantStaysConstant() {
        BufferedImage source = new BufferedImage(50, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 50; x++) {
                source.setRGB(x, y, 0x3C7FD2);
            }
        }
        for (int[] size : new int[][] {{448, 448}, {7, 3}, {50, 9}, {1, 1}}) {
            BufferedImage out = PilResize.bicubic(source, size[0], size[1]);
            for (int y = 0; y < size[1]; y++) {
                for (int x = 0; x < size[0]; x++) {
                    assertEquals(0x3C7FD2, out.getRGB(x, y) & 0xFFFFFF);
                }
            }
        }
    }

    @Test
    void downscalingAChequerOfTwoByTwoBlocksAverages() {
        // A 4x downscale puts a whole 2x2 group of 2x2 blocks under each output pixel: away from
        // the border the antialiasing filter leaves their mean, (0 + 200) / 2.
        BufferedImage source = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                source.setRGB(x, y, ((x / 2 + y / 2) % 2 == 0 ? 0 : 200) * 0x010101);
            }
        }
        for (int size : new int[] {16, 8}) {
            BufferedImage out = PilResize.bicubic(source, size, size);
            for (int y = 2; y < size - 2; y++) {
                for (int x = 2; x < size - 2; x++) {
                    assertEquals(100 * 0x010101, out.getRGB(x, y) & 0xFFFFFF);
                }
            }
        }
    }

    @Test
    void grayIsReadFromTheRasterAndAlphaIsDropped() {
        BufferedImage gray = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 128, 255});
        BufferedImage out = PilResize.bicubic(gray, 3, 1);
        assertEquals(0x808080, out.getRGB(1, 0) & 0xFFFFFF); // not gamma-shifted as getRGB would

        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00123456);
        argb.setRGB(1, 0, 0x80ABCDEF);
        BufferedImage rgb = PilResize.bicubic(argb, 2, 1);
        assertEquals(0x123456, rgb.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xABCDEF, rgb.getRGB(1, 0) & 0xFFFFFF);
        assertEquals(BufferedImage.TYPE_INT_RGB, rgb.getType());
    }

    @Test
    void rejectsEmptyTargets() {
        BufferedImage source = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        assertThrows(IllegalArgumentException.class, () -> PilResize.bicubic(source, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> PilResize.crop(source, new CropBox(0, 0, 3, 2)));
    }
}
