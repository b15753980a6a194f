package io.github.llamapanama.vision.video;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;

/**
 * An opened video: its frame count and rate, and its frames decoded on demand. Frames are
 * numbered in display order from 0. Instances hold no open file between calls and can be
 * shared between threads; each call decodes on its own.
 */
public sealed interface Video permits GifVideo, ImageDirectoryVideo, Mp4Video {

    /** Number of frames. */
    int frameCount();

    /** Frames per second (from the container's timing; see {@link VideoFrames#open} for each kind). */
    double fps();

    /**
     * The frames at {@code indices} (each in {@code [0, frameCount())}, any order, repeats
     * allowed), as {@link BufferedImage#TYPE_INT_RGB} images in the order asked.
     *
     * @throws VideoFormatException if the file turns out corrupt while decoding
     * @throws IOException          if it cannot be read
     */
    List<BufferedImage> frames(int[] indices) throws IOException;

    /**
     * {@code numSegments} frames at the segment midpoints of the whole video, as the model card's
     * {@code load_video} picks them ({@link FrameSampler} with no bound).
     */
    default List<BufferedImage> sample(int numSegments) throws IOException {
        return frames(FrameSampler.indices(frameCount(), fps(), null, numSegments));
    }

    /**
     * {@code numSegments} frames at the segment midpoints between {@code startSeconds} and
     * {@code endSeconds}.
     *
     * @throws IllegalArgumentException if the bound selects frames outside the video
     */
    default List<BufferedImage> sample(int numSegments, double startSeconds, double endSeconds) throws IOException {
        return frames(FrameSampler.indices(frameCount(), fps(), new double[] {startSeconds, endSeconds}, numSegments));
    }
}
