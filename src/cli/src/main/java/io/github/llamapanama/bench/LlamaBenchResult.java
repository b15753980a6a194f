package io.github.llamapanama.bench;

import java.util.Arrays;

/**
 * One test of llama-bench's JSON output ({@code -o json} or {@code -o jsonl}): the settings
 * it ran with and the time of each repetition.
 *
 * @param buildCommit the llama.cpp commit llama-bench was built from
 * @param modelType   llama.cpp's model description, e.g. "qwen2 1B Q8_0"
 * @param nPrompt     prompt tokens (pp test), 0 for a generation test
 * @param nGen        generated tokens (tg test), 0 for a prompt test
 * @param nBatch      n_batch
 * @param nUbatch     n_ubatch
 * @param nThreads    threads
 * @param typeK       K cache type, e.g. "f16"
 * @param typeV       V cache type
 * @param flashAttn   flash attention
 * @param samplesNs   nanoseconds of each repetition
 */
public record LlamaBenchResult(String buildCommit, String modelType, int nPrompt, int nGen, int nBatch, int nUbatch,
                               int nThreads, String typeK, String typeV, boolean flashAttn, long[] samplesNs) {

    public LlamaBenchResult {
        samplesNs = samplesNs.clone();
    }

    @Override
    public long[] samplesNs() {
        return samplesNs.clone();
    }

    /** Tokens per second of each repetition, computed from the nanoseconds as llama-bench does. */
    public double[] tokensPerSecond() {
        double[] ts = new double[samplesNs.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = (nPrompt + nGen) * 1e9 / samplesNs[i];
        }
        return ts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LlamaBenchResult r && buildCommit.equals(r.buildCommit) && modelType.equals(r.modelType)
                && nPrompt == r.nPrompt && nGen == r.nGen && nBatch == r.nBatch && nUbatch == r.nUbatch
                && nThreads == r.nThreads && typeK.equals(r.typeK) && typeV.equals(r.typeV)
                && flashAttn == r.flashAttn && Arrays.equals(samplesNs, r.samplesNs);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * nPrompt + nGen) + Arrays.hashCode(samplesNs);
    }

    @Override
    public String toString() {
        return "LlamaBenchResult[" + modelType + ", pp" + nPrompt + ", tg" + nGen + ", b" + nBatch + ", ub" + nUbatch
                + ", t" + nThreads + ", " + typeK + "/" + typeV + ", fa " + flashAttn + ", ns "
                + Arrays.toString(samplesNs) + "]";
    }
}
