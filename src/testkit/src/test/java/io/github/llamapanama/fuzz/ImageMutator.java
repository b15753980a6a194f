package io.github.llamapanama.fuzz;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Mutated JPEG, PNG, GIF and BMP files (from one photo, re-encoded small by ImageIO) and
 * decompression bombs: a PNG of 8000x8000 zero pixels in a few hundred KB, and headers that claim
 * 65535x65535 pixels with almost no data.
 */
final class ImageMutator {
    record Mutation(byte[] bytes, String description) {}

    private final List<byte[]> seeds;
    private final List<String> names = List.of("jpeg", "png", "gif", "bmp", "jpeg-full");
    private byte[] pngBomb;

    ImageMutator(byte[] photo) {
        try {
            BufferedImage full = ImageIO.read(new java.io.ByteArrayInputStream(photo));
            BufferedImage small = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = small.createGraphics();
            g.drawImage(full, 0, 0, 64, 48, null);
            g.dispose();
            seeds = List.of(encode(small, "jpeg"), encode(small, "png"), encode(small, "gif"), encode(small, "bmp"), photo);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IOException("no ImageIO writer for " + format);
        }
        return out.toByteArray();
    }

    Mutation mutate(long seed) {
        Random r = new Random(seed);
        if (seed % 100 == 7) {
            return bomb(r);
        }
        int s = r.nextInt(seeds.size());
        byte[] b = seeds.get(s).clone();
        StringBuilder what = new StringBuilder(names.get(s));
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(5)) {
                case 0, 1 -> {
                    int flips = 1 + r.nextInt(16);
                    int region = r.nextBoolean() ? Math.min(b.length, 128) : b.length;
                    for (int f = 0; f < flips; f++) {
                        b[r.nextInt(region)] ^= (byte) (1 << r.nextInt(8));
                    }
                    what.append("; flip ").append(flips);
                }
                case 2 -> {
                    if (b.length < 4) { // an earlier truncation left no room for a 4-byte field
                        continue;
                    }
                    int at = r.nextInt(Math.max(1, Math.min(b.length - 4, 64)));
                    int[] edges = {0, 1, 0xFF, 0xFFFF, 0x7FFF, 0x8000, 0x7FFFFFFF, -1};
                    int v = edges[r.nextInt(edges.length)];
                    ByteBuffer bb = ByteBuffer.wrap(b).order(r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                    if (r.nextBoolean()) {
                        bb.putShort(at, (short) v);
                    } else {
                        bb.putInt(at, v);
                    }
                    what.append("; field at ").append(at).append(" = ").append(v);
                }
                case 3 -> {
                    int at = 1 + r.nextInt(Math.max(1, b.length - 1));
                    b = Arrays.copyOf(b, at);
                    what.append("; truncate at ").append(at);
                }
                default -> {
                    byte[] other = seeds.get(r.nextInt(seeds.size()));
                    int len = 1 + r.nextInt(Math.min(256, other.length));
                    int from = r.nextInt(other.length - len + 1);
                    int to = r.nextInt(Math.max(1, b.length - len + 1));
                    if (to + len <= b.length) {
                        System.arraycopy(other, from, b, to, len);
                    }
                    what.append("; splice ").append(len).append(" bytes");
                }
            }
        }
        return new Mutation(b, what.toString());
    }

    private Mutation bomb(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> new Mutation(pngBomb(), "bomb: PNG 8000x8000 of zeros, deflated");
            case 1 -> new Mutation(png(65535, 65535, new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}),
                    "bomb: PNG header 65535x65535");
            case 2 -> {
                byte[] gif = seeds.get(2).clone();
                gif[6] = (byte) 0xFF;
                gif[7] = (byte) 0xFF;
                gif[8] = (byte) 0xFF;
                gif[9] = (byte) 0xFF;
                yield new Mutation(gif, "bomb: GIF screen 65535x65535");
            }
            default -> {
                byte[] bmp = seeds.get(3).clone();
                ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN).putInt(18, 30000).putInt(22, -30000);
                yield new Mutation(bmp, "bomb: BMP header 30000x30000 (top-down)");
            }
        };
    }

    private synchronized byte[] pngBomb() {
        if (pngBomb == null) {
            int w = 8000;
            int h = 8000;
            Deflater d = new Deflater(9);
            byte[] row = new byte[1 + w * 3];
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            for (int y = 0; y < h; y++) {
                d.setInput(row);
                while (!d.needsInput()) {
                    int n = d.deflate(buf);
                    z.write(buf, 0, n);
                }
            }
            d.finish();
            while (!d.finished()) {
                int n = d.deflate(buf);
                z.write(buf, 0, n);
            }
            d.end();
            pngBomb = png(w, h, z.toByteArray());
        }
        return pngBomb;
    }

    /** A PNG (8-bit RGB) with the given IDAT payload. */
    static byte[] png(int w, int h, byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
