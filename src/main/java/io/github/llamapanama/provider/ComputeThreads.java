package io.github.llamapanama.provider;

/**
 * Framework calls arrive on arbitrary long-lived threads (servlet workers, Reactor schedulers):
 * each call ends by freeing the calling thread's OpenMP team, since an idle team left on a
 * long-lived thread slows decoding on every other thread.
 */
final class ComputeThreads {
    private ComputeThreads() {}

    static void release() {
        // TODO(frameworks): Llama.releaseComputeThreads() once main has it
    }
}
