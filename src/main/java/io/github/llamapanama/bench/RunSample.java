package io.github.llamapanama.bench;

/**
 * One timed Java run.
 *
 * @param nanos          wall time of the timed part
 * @param tokens         tokens it processed
 * @param allocatedBytes Java heap bytes the running thread allocated meanwhile; -1 if the JVM cannot tell
 * @param collections    garbage collections (all collectors) meanwhile
 */
record RunSample(long nanos, long tokens, long allocatedBytes, long collections) {

    double tokensPerSecond() {
        return tokens * 1e9 / nanos;
    }

    /** Heap bytes per token, or NaN when the JVM does not count allocations. */
    double bytesPerToken() {
        return allocatedBytes < 0 ? Double.NaN : (double) allocatedBytes / tokens;
    }
}
