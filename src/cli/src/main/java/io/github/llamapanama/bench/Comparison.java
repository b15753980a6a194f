package io.github.llamapanama.bench;

/**
 * One figure measured on the Java path and with llama.cpp's own tool, run for run alternately.
 *
 * @param test        what was measured, e.g. "pp512"
 * @param unit        the unit of both summaries, e.g. "t/s"
 * @param java        the Java path's figure
 * @param llamaCpp    llama.cpp's figure; null when its tool could not run
 * @param ratio       java median / native median; null without a native figure
 * @param pairedRatio Java / native of each alternating pair, summarised; null without a native figure
 * @param target      the goal for {@code ratio}; null when there is none
 * @param met         whether {@code ratio} meets the target; null when it cannot be judged
 * @param layer       what the Java layer added to llama.cpp's own timing of the Java runs; null
 *                    when not measured
 */
public record Comparison(String test, String unit, Summary java, Summary llamaCpp, Double ratio,
                         Summary pairedRatio, Target target, Boolean met, LayerCost layer) {

    public Comparison withLayer(LayerCost cost) {
        return new Comparison(test, unit, java, llamaCpp, ratio, pairedRatio, target, met, cost);
    }

    /** Compares the medians, and each Java run with the native run that followed it. */
    public static Comparison of(String test, String unit, Summary java, Summary llamaCpp, Target target) {
        if (llamaCpp == null) {
            return new Comparison(test, unit, java, null, null, null, target, null, null);
        }
        double ratio = java.median() / llamaCpp.median();
        double[] j = java.samples();
        double[] n = llamaCpp.samples();
        int pairs = Math.min(j.length, n.length);
        double[] paired = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            paired[i] = j[i] / n[i];
        }
        return new Comparison(test, unit, java, llamaCpp, ratio, Summary.of(paired), target,
                target == null ? null : target.met(ratio), null);
    }
}
