package io.github.llamapanama.vision;

/**
 * Guard rails checked before any media is decoded, so a hostile file cannot make the native
 * decoder allocate gigabytes: a header claiming 60000x60000 is refused from its header alone.
 *
 * @param maxBytes      largest encoded input accepted
 * @param maxDimension  largest width or height of an image
 * @param maxPixels     largest width * height of an image
 */
public record MediaLimits(long maxBytes, int maxDimension, long maxPixels) {

    public MediaLimits {
        if (maxBytes < 1 || maxDimension < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** 64 MiB, 16384 px a side, 64 megapixels. */
    public static MediaLimits defaults() {
        return new MediaLimits(64L << 20, 16384, 64L << 20);
    }

    void checkBytes(long size, String what) {
        if (size == 0) {
            throw new VisionException(what + " is empty");
        }
        if (size > maxBytes) {
            throw new VisionException(what + " is " + size + " bytes, over the limit of " + maxBytes);
        }
    }

    void checkImage(int width, int height, String what) {
        if (width < 1 || height < 1) {
            throw new VisionException(what + " has no pixels (" + width + "x" + height + ")");
        }
        if (width > maxDimension || height > maxDimension || (long) width * height > maxPixels) {
            throw new VisionException(what + " is " + width + "x" + height + ", over the limit of " + maxDimension
                    + " px a side / " + maxPixels + " pixels");
        }
    }
}
