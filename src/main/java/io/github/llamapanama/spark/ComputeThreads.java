package io.github.llamapanama.spark;

/**
 * Spark's task threads live on in the executor's pool: at the end of each partition's work the
 * thread hands back what llama.cpp's CPU backend keeps for it, so an idle team does not slow
 * the threads that decode next.
 */
final class ComputeThreads {
    private ComputeThreads() {}

    static void release() {
        // Llama.releaseComputeThreads() once the lead's change is merged
    }
}
