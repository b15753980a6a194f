package io.github.llamapanama.bench;

/**
 * What the Java layer adds to llama.cpp's work, measured inside one run: the Java wall time of
 * some decodes less llama.cpp's own timing of the same decodes on the same context
 * (llama_perf_context). Unlike a ratio against a separate native process, machine noise hits
 * both sides of this difference alike, so it is the sharp figure of the binding's cost.
 *
 * @param unit     of {@code overhead}, e.g. "µs/token"
 * @param overhead the Java layer's cost per repetition
 * @param share    that as a fraction of the Java wall time
 */
public record LayerCost(String unit, Summary overhead, Summary share) {
}
