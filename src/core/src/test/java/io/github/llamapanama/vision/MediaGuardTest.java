package io.github.llamapanama.vision;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Corrupt and hostile media are refused with exceptions; the JVM never crashes. */
class MediaGuardTest {
    private static Model model;
    private static Projector projector;
    private static byte[] jpeg;

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(Fixtures.tinyQwen2());
        projector = Projector.load(Fixtures.tinyInternVlMmproj(), model);
        jpeg = Files.readAllBytes(TestData.file("test-1.jpeg"));
    }

    @AfterAll
    static void close() {
        projector.close();
        model.close();
    }

    /** Decodes, or refuses with a VisionException: anything else fails the test. */
    private static void decodeOrRefuse(byte[] data) {
        try (Bitmap b = Bitmap.decode(projector, data)) {
            assertTrue(b.width() > 0 && b.height() > 0);
        } catch (VisionException expected) {
            assertTrue(!expected.getMessage().isBlank());
        }
    }

    @Test
    void truncatedJpegsAtManyLengthsNeverCrash() {
        for (int cut = 0; cut < jpeg.length; cut += Math.max(1, jpeg.length / 97)) {
            decodeOrRefuse(Arrays.copyOf(jpeg, cut));
        }
    }

    @Test
    void randomDamageNeverCrashes() {
        Random random = new Random(7);
        for (int i = 0; i < 60; i++) {
            byte[] damaged = jpeg.clone();
            for (int k = 0; k < 20; k++) {
                damaged[3 + random.nextInt(damaged.length - 3)] = (byte) random.nextInt();
            }
            decodeOrRefuse(damaged);
        }
    }

    @Test
    void emptyAndUnknownDataAreRefused() {
        assertTrue(assertThrows(VisionException.class, () -> Bitmap.decode(projector, new byte[0])).getMessage().contains("empty"));
        VisionException e = assertThrows(VisionException.class, () -> Bitmap.decode(projector, "hello world".getBytes()));
        assertTrue(e.getMessage().contains("JPEG, PNG, GIF or BMP"), e.getMessage());
    }

    @Test
    void aPngHeaderClaimingABombIsRefusedBeforeDecoding() {
        byte[] png = pngHeader(60000, 60000);
        VisionException e = assertThrows(VisionException.class, () -> Bitmap.decode(projector, png));
        assertTrue(e.getMessage().contains("60000x60000"), e.getMessage());
    }

    @Test
    void aGifLogicalScreenBombIsRefused() {
        byte[] gif = {'G', 'I', 'F', '8', '9', 'a', (byte) 0x60, (byte) 0xea, (byte) 0x60, (byte) 0xea, 0, 0, 0, ';'};
        VisionException e = assertThrows(VisionException.class, () -> Bitmap.decode(projector, gif));
        assertTrue(e.getMessage().contains("60000x60000"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"RIFF\0\0\0\0WAVEfmt ", "fLaC\0\0\0\"", "ID3\3\0\0\0\0\0\0"})
    void audioForAProjectorWithoutAudioIsAClearError(String header) {
        VisionException e = assertThrows(VisionException.class, () -> Bitmap.decode(projector, header.getBytes()));
        assertTrue(e.getMessage().contains("no audio encoder"), e.getMessage());
    }

    @Test
    void rawRgbAndBufferedImagesAreChecked() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> Bitmap.ofRgb(2, 2, new byte[11]));
        assertThrows(VisionException.class, () -> Bitmap.ofRgb(0, 5, new byte[0]));
        BufferedImage img = ImageIO.read(TestData.file("test-1.jpeg").toFile());
        try (Bitmap b = Bitmap.of(img)) {
            assertEquals(640, b.width());
            assertEquals(488, b.height());
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        try (Bitmap b = Bitmap.decode(projector, png.toByteArray())) {
            assertEquals(640, b.width());
        }
    }

    @Test
    void limitsAreConfigurable() {
        MediaLimits tight = new MediaLimits(1000, 100, 10_000);
        assertTrue(assertThrows(VisionException.class, () -> Bitmap.decode(projector, jpeg, tight)).getMessage()
                .contains("over the limit"));
    }

    private static byte[] pngHeader(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
        b.putInt(13).put(new byte[] {'I', 'H', 'D', 'R'}).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 12, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }
}
