package io.github.llamapanama.bench;

/** The goals of issue #7, reported next to each figure. */
public final class Targets {
    /** Java prefill and decode throughput relative to llama-bench's. */
    public static final Target NATIVE_RATIO = Target.atLeast(0.99, "x");
    /**
     * Java heap bytes per decoded token: "about zero". A bound of one byte a token still
     * catches any per-token object (the smallest is 16 bytes) while it forgives the odd
     * allocation per run.
     */
    public static final Target HEAP_PER_TOKEN = Target.atMost(1, " B/token");
    /** Java's time from image to first token relative to llama-mtmd-cli's. */
    public static final Target FIRST_TOKEN = Target.atMost(1.02, "x");
    /** Aggregate decode throughput of the largest batch over one sequence. */
    public static final Target BATCH_SCALING = Target.atLeast(4, "x");

    private Targets() {}
}
