package io.github.llamapanama.vision.tiling;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;

/**
 * PIL's {@code Image.resize(size)} for an RGB image: the default BICUBIC filter with PIL's
 * antialiasing (the filter widened by the downscale factor), a horizontal then a vertical pass,
 * each with 22-bit fixed-point coefficients and rounded, clamped 8-bit output, as Pillow's
 * {@code Resample.c} computes it. Tiles then match what the model was trained on: the tests
 * hold CRCs from Pillow 9.4, matched bit for bit (for resizes and for whole tilings, the
 * shared test JPEG included).
 */
public final class PilResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double BICUBIC_SUPPORT = 2.0;

    private PilResize() {
    }

    /**
     * The image resized to {@code width} x {@code height}, as {@code TYPE_INT_RGB}; the same size
     * gives an exact copy, as in PIL. Alpha is dropped.
     */
    public static BufferedImage bicubic(BufferedImage image, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        int inWidth = image.getWidth();
        int inHeight = image.getHeight();
        int[] pixels = rgb(image);
        Coefficients horizontal = Coefficients.of(inWidth, width);
        Coefficients vertical = Coefficients.of(inHeight, height);
        if (width != inWidth) {
            // Only the source rows that the vertical pass reads, as PIL does.
            int first = vertical.min[0];
            int last = vertical.min[height - 1] + vertical.count[height - 1];
            pixels = horizontalPass(pixels, inWidth, first, last, width, horizontal);
            vertical = vertical.shifted(-first);
        }
        if (height != inHeight) {
            pixels = verticalPass(pixels, width, height, vertical);
        }
        return toImage(pixels, width, height);
    }

    /** The pixels in {@code box}, a new {@code TYPE_INT_RGB} image, as PIL's {@code crop}. */
    public static BufferedImage crop(BufferedImage image, CropBox box) {
        if (box.right() > image.getWidth() || box.bottom() > image.getHeight()) {
            throw new IllegalArgumentException("crop box " + box + " outside a " + image.getWidth() + "x"
                    + image.getHeight() + " image");
        }
        int[] pixels = new int[box.width() * box.height()];
        toRgb(image).getRGB(box.left(), box.top(), box.width(), box.height(), pixels, 0, box.width());
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] &= 0xFFFFFF;
        }
        return toImage(pixels, box.width(), box.height());
    }

    /**
     * The image as {@code TYPE_INT_RGB} with PIL's {@code convert('RGB')} semantics (see
     * {@link #rgb}); an image that already is {@code TYPE_INT_RGB} is returned as is.
     */
    public static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        return toImage(rgb(image), image.getWidth(), image.getHeight());
    }

    /**
     * The image as 0xRRGGBB, as PIL's {@code convert('RGB')} sees it: 8-bit gray is replicated
     * from the raster (getRGB would move it through a linear-gray to sRGB conversion), alpha is
     * dropped without compositing.
     */
    static int[] rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] out = new int[Math.multiplyExact(w, h)];
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            Raster raster = image.getRaster();
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = row[x] * 0x010101;
                }
            }
            return out;
        }
        image.getRGB(0, 0, w, h, out, 0, w);
        for (int i = 0; i < out.length; i++) {
            out[i] &= 0xFFFFFF;
        }
        return out;
    }

    private static BufferedImage toImage(int[] pixels, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] data = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        System.arraycopy(pixels, 0, data, 0, data.length);
        return out;
    }

    private static int[] horizontalPass(int[] in, int inWidth, int firstRow, int lastRow, int width,
                                        Coefficients c) {
        int[] out = new int[Math.multiplyExact(width, lastRow - firstRow)];
        for (int y = firstRow; y < lastRow; y++) {
            int rowIn = y * inWidth;
            int rowOut = (y - firstRow) * width;
            for (int x = 0; x < width; x++) {
                int r = 1 << (PRECISION_BITS - 1);
                int g = r;
                int b = r;
                int base = x * c.stride;
                for (int k = 0; k < c.count[x]; k++) {
                    int p = in[rowIn + c.min[x] + k];
                    int weight = c.weights[base + k];
                    r += (p >>> 16 & 0xFF) * weight;
                    g += (p >>> 8 & 0xFF) * weight;
                    b += (p & 0xFF) * weight;
                }
                out[rowOut + x] = clip8(r) << 16 | clip8(g) << 8 | clip8(b);
            }
        }
        return out;
    }

    private static int[] verticalPass(int[] in, int width, int height, Coefficients c) {
        int[] out = new int[Math.multiplyExact(width, height)];
        for (int y = 0; y < height; y++) {
            int base = y * c.stride;
            for (int x = 0; x < width; x++) {
                int r = 1 << (PRECISION_BITS - 1);
                int g = r;
                int b = r;
                for (int k = 0; k < c.count[y]; k++) {
                    int p = in[(c.min[y] + k) * width + x];
                    int weight = c.weights[base + k];
                    r += (p >>> 16 & 0xFF) * weight;
                    g += (p >>> 8 & 0xFF) * weight;
                    b += (p & 0xFF) * weight;
                }
                out[y * width + x] = clip8(r) << 16 | clip8(g) << 8 | clip8(b);
            }
        }
        return out;
    }

    private static int clip8(int v) {
        if (v >= 1 << PRECISION_BITS << 8) {
            return 255;
        }
        return v <= 0 ? 0 : v >> PRECISION_BITS;
    }

    /** Pillow's bicubic kernel, a = -0.5, written as in Resample.c so the doubles agree. */
    static double bicubic(double x) {
        final double a = -0.5;
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** precompute_coeffs + normalize_coeffs_8bpc for one axis; out pixel i reads count[i] inputs from min[i]. */
    private record Coefficients(int[] min, int[] count, int[] weights, int stride) {
        static Coefficients of(int inSize, int outSize) {
            // PIL passes the box as C floats: (0, inSize).
            double scale = (double) (float) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = BICUBIC_SUPPORT * filterScale;
            int stride = (int) Math.ceil(support) * 2 + 1;
            int[] min = new int[outSize];
            int[] count = new int[outSize];
            int[] weights = new int[Math.multiplyExact(outSize, stride)];
            double[] k = new double[stride];
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                double ss = 1.0 / filterScale;
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    double w = bicubic((x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    ww += w;
                }
                for (int x = 0; x < xmax; x++) {
                    double w = ww != 0.0 ? k[x] / ww : k[x];
                    // C's (int) truncates toward zero, like Java's cast.
                    weights[xx * stride + x] = w < 0
                            ? (int) (-0.5 + w * (1 << PRECISION_BITS))
                            : (int) (0.5 + w * (1 << PRECISION_BITS));
                }
                min[xx] = xmin;
                count[xx] = Math.max(xmax, 0);
            }
            return new Coefficients(min, count, weights, stride);
        }

        Coefficients shifted(int delta) {
            int[] moved = min.clone();
            for (int i = 0; i < moved.length; i++) {
                moved[i] += delta;
            }
            return new Coefficients(moved, count, weights, stride);
        }
    }
}
