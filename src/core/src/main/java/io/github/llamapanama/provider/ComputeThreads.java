package io.github.llamapanama.provider;

import io.github.llamapanama.Llama;

/**
 * Framework calls arrive on arbitrary long-lived threads (servlet workers, Reactor schedulers,
 * ForkJoinPool): each call ends by freeing the calling thread's OpenMP team, since an idle team
 * left on a long-lived thread slows decoding on every other thread.
 */
final class ComputeThreads {
    private ComputeThreads() {}

    static void release() {
        Llama.releaseComputeThreads();
    }
}
