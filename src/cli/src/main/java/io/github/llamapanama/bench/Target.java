package io.github.llamapanama.bench;

import java.util.Locale;

/**
 * A goal for one figure. Targets are reported next to the figure, never enforced: a benchmark
 * on a shared machine is too noisy to fail a build on.
 *
 * @param description what the goal is, as printed (e.g. "&gt;= 0.99x")
 * @param threshold   the bound
 * @param atLeast     true when the figure must reach the bound, false when it must stay within it
 */
public record Target(String description, double threshold, boolean atLeast) {

    /** A figure that must be at least {@code threshold}. */
    public static Target atLeast(double threshold, String unit) {
        return new Target(String.format(Locale.ROOT, ">= %s%s", number(threshold), unit), threshold, true);
    }

    /** A figure that must be at most {@code threshold}. */
    public static Target atMost(double threshold, String unit) {
        return new Target(String.format(Locale.ROOT, "<= %s%s", number(threshold), unit), threshold, false);
    }

    /** Whether {@code value} meets this target; null when there is no value to judge. */
    public Boolean met(Double value) {
        if (value == null || value.isNaN()) {
            return null;
        }
        return atLeast ? value >= threshold : value <= threshold;
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
