package io.github.llamapanama.bench;

/**
 * One timed Java run.
 *
 * @param nanos          wall time of the timed part
 * @param tokens         tokens it processed
 * @param allocatedBytes Java heap bytes the running thread allocated meanwhile; -1 if the JVM cannot tell
 * @param collections    garbage collections (all collectors) meanwhile
 * @param nativeMillis   llama.cpp's own timing of the same decodes (llama_perf_context); NaN if not taken
 */
record RunSample(long nanos, long tokens, long allocatedBytes, long collections, double nativeMillis) {

    RunSample(long nanos, long tokens, long allocatedBytes, long collections) {
        this(nanos, tokens, allocatedBytes, collections, Double.NaN);
    }

    /** What the Java layer added to each token, in microseconds: wall time less llama.cpp's own. */
    double layerMicrosPerToken() {
        return (nanos / 1e3 - nativeMillis * 1e3) / tokens;
    }

    /** That as a share of the wall time. */
    double layerShare() {
        return 1 - nativeMillis * 1e6 / nanos;
    }

    double tokensPerSecond() {
        return tokens * 1e9 / nanos;
    }

    /** Heap bytes per token, or NaN when the JVM does not count allocations. */
    double bytesPerToken() {
        return allocatedBytes < 0 ? Double.NaN : (double) allocatedBytes / tokens;
    }
}
