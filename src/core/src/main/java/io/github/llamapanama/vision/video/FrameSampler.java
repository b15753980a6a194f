package io.github.llamapanama.vision.video;

/**
 * The frame indices the InternVL3 model card's {@code get_index} samples: the video (or the
 * bounded part of it) is cut into {@code numSegments} equal segments and the frame nearest
 * each segment's middle is taken.
 *
 * <pre>{@code
 * start_idx = max(first_idx, round(start * fps))
 * end_idx = min(round(end * fps), max_frame)
 * seg_size = float(end_idx - start_idx) / num_segments
 * [int(start_idx + (seg_size / 2) + np.round(seg_size * idx)) for idx in range(num_segments)]
 * }</pre>
 *
 * Python's {@code round} and {@code np.round} both round half to even ({@link Math#rint}), and
 * {@code int} truncates toward zero; the doubles are combined in the same order, so the
 * indices are the same, ties included.
 */
public final class FrameSampler {
    /** The model card's bounds when none are given, in seconds. */
    private static final double NO_BOUND = 100000;

    private FrameSampler() {
    }

    /**
     * {@code get_index(bound, fps, max_frame=frameCount - 1, first_idx=0, num_segments)}.
     *
     * @param frameCount   frames in the video, at least 1
     * @param fps          frames per second, finite and positive
     * @param boundSeconds null for the whole video, else {start, end} in seconds
     * @param numSegments  frames wanted, at least 1
     * @return the indices, as the Python computes them; they can fall outside the video when a
     *         bound lies outside it (the model card leaves that to the decoder)
     * @throws IllegalArgumentException on invalid arguments or an index outside int range
     */
    public static int[] indices(int frameCount, double fps, double[] boundSeconds, int numSegments) {
        if (frameCount < 1) {
            throw new IllegalArgumentException("frameCount must be at least 1, got " + frameCount);
        }
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("fps must be finite and positive, got " + fps);
        }
        if (numSegments < 1) {
            throw new IllegalArgumentException("numSegments must be at least 1, got " + numSegments);
        }
        double start = -NO_BOUND;
        double end = NO_BOUND;
        if (boundSeconds != null) {
            if (boundSeconds.length != 2 || !Double.isFinite(boundSeconds[0]) || !Double.isFinite(boundSeconds[1])) {
                throw new IllegalArgumentException("boundSeconds must be two finite numbers {start, end}");
            }
            start = boundSeconds[0];
            end = boundSeconds[1];
        }
        int maxFrame = frameCount - 1;
        // round() of a double is an integer-valued double, so holding the indices as doubles is
        // exact where Python holds ints (an int beyond 2^53 came from a double anyway).
        double startIdx = Math.max(0, pyRound(start * fps));
        double endIdx = Math.min(pyRound(end * fps), maxFrame);
        double segSize = (endIdx - startIdx) / numSegments;
        int[] out = new int[numSegments];
        for (int idx = 0; idx < numSegments; idx++) {
            double value = startIdx + segSize / 2 + Math.rint(segSize * idx);
            double truncated = value < 0 ? Math.ceil(value) : Math.floor(value);
            if (truncated < Integer.MIN_VALUE || truncated > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("frame index " + truncated + " out of range; bound "
                        + start + ".." + end + " s at " + fps + " fps");
            }
            out[idx] = (int) truncated;
        }
        return out;
    }

    /** Python's {@code round(x)} for a float: half to even; raises where x is not finite. */
    private static double pyRound(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("bound times fps overflows: " + x);
        }
        return Math.rint(x);
    }
}
