package io.github.llamapanama.bench;

import java.util.Arrays;

/**
 * Repeated measurements of one figure, summarised robustly: machine noise (other processes,
 * frequency scaling) skews means, so a benchmark reports the median and the median absolute
 * deviation, plus the range.
 *
 * @param median  the middle value (mean of the two middle values for an even count)
 * @param mad     median absolute deviation from the median
 * @param min     smallest value
 * @param max     largest value
 * @param samples the values, in the order measured
 */
public record Summary(double median, double mad, double min, double max, double[] samples) {

    public Summary {
        samples = samples.clone();
    }

    /**
     * Summarises one or more values.
     *
     * @throws IllegalArgumentException if there are none, or one is NaN
     */
    public static Summary of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarise");
        }
        for (double v : values) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("NaN among the values " + Arrays.toString(values));
            }
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double median = median(sorted);
        double[] deviations = new double[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            deviations[i] = Math.abs(sorted[i] - median);
        }
        Arrays.sort(deviations);
        return new Summary(median, median(deviations), sorted[0], sorted[sorted.length - 1], values);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public int count() {
        return samples.length;
    }

    /** The values, in the order measured. */
    @Override
    public double[] samples() {
        return samples.clone();
    }

    /** The spread as a fraction of the median: MAD / median (0 when the median is 0). */
    public double relativeMad() {
        return median == 0 ? 0 : mad / Math.abs(median);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Summary s && Double.compare(median, s.median) == 0 && Double.compare(mad, s.mad) == 0
                && Double.compare(min, s.min) == 0 && Double.compare(max, s.max) == 0
                && Arrays.equals(samples, s.samples);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(median) + Arrays.hashCode(samples);
    }

    @Override
    public String toString() {
        return "Summary[median=" + median + ", mad=" + mad + ", min=" + min + ", max=" + max
                + ", samples=" + Arrays.toString(samples) + "]";
    }
}
