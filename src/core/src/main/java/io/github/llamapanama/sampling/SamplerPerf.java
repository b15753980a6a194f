package io.github.llamapanama.sampling;

/**
 * llama_perf_sampler_data: llama.cpp's timing of a sampler chain (zero when built with
 * {@code noPerf(true)}).
 *
 * @param sampleMillis total time spent in the chain's apply and accept
 * @param samples      tokens accepted since creation or the last reset
 */
public record SamplerPerf(double sampleMillis, int samples) {

    /** Average milliseconds per sampled token, or 0 before the first. */
    public double millisPerSample() {
        return samples <= 0 ? 0 : sampleMillis / samples;
    }
}
