package io.github.llamapanama.vision.video;

/**
 * What {@link VideoFrames#open} accepts, checked against the file's declared sizes before
 * anything is decoded, so a hostile header is refused rather than allocated.
 *
 * @param maxBytes  largest file (for a directory: largest frame file)
 * @param maxPixels largest frame, width times height
 * @param maxFrames most frames
 */
public record VideoLimits(long maxBytes, long maxPixels, int maxFrames) {
    /** 1 GiB, 8192x8192 (64 Mpx) frames, a million frames. */
    public static final VideoLimits DEFAULT = new VideoLimits(1L << 30, 8192L * 8192, 1_000_000);

    public VideoLimits {
        if (maxBytes < 1 || maxPixels < 1 || maxFrames < 1) {
            throw new IllegalArgumentException("video limits must be positive: " + maxBytes + " bytes, "
                    + maxPixels + " pixels, " + maxFrames + " frames");
        }
    }

    void checkBytes(String what, long bytes) {
        if (bytes > maxBytes) {
            throw new VideoFormatException(what + " is " + bytes + " bytes, over the limit of " + maxBytes);
        }
    }

    void checkFrame(String what, long width, long height) {
        if (width < 1 || height < 1) {
            throw new VideoFormatException(what + " declares an empty frame " + width + "x" + height);
        }
        if (width * height > maxPixels) {
            throw new VideoFormatException(what + " declares " + width + "x" + height
                    + " frames, over the limit of " + maxPixels + " pixels");
        }
    }

    void checkFrameCount(String what, long frames) {
        if (frames < 1) {
            throw new VideoFormatException(what + " has no frames");
        }
        if (frames > maxFrames) {
            throw new VideoFormatException(what + " has " + frames + " frames, over the limit of " + maxFrames);
        }
    }
}
