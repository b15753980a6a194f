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
    /** Decode on another thread than the model was loaded on, relative to load and decode on one. */
    public static final Target THREAD_RATIO = Target.atLeast(0.98, "x");
    /** Aggregate decode throughput of the largest batch over one sequence. */
    public static final Target BATCH_SCALING = Target.atLeast(4, "x");

    /** Server decode speed, one stream, against llama-server's. */
    /** Image encode against the unpatched GGML_NATIVE llama-mtmd-cli, CPUs with AVX512_BF16 or AMX (issue #23). */
    public static final Target ENCODE_REFERENCE_BF16 = Target.atMost(0.5, "x");
    /** The same on CPUs without them (AVX2). */
    public static final Target ENCODE_REFERENCE = Target.atMost(0.8, "x");
    public static final Target SERVER_DECODE = Target.atLeast(0.98, "x");
    /** Time of an image chat's second turn (history resent) against llama-server's. */
    public static final Target SERVER_SECOND_TURN = Target.atMost(1.1, "x");
    /** Time of a known image in a new conversation against llama-server's (the embedding cache). */
    public static final Target SERVER_SAME_IMAGE = Target.atMost(0.2, "x");
    /** Aggregate throughput of concurrent clients against llama-server's. */
    public static final Target SERVER_THROUGHPUT = Target.atLeast(0.95, "x");
    /** Longest pause of a running stream while a long prompt is admitted, against llama-server's. */
    public static final Target SERVER_GAP = Target.atMost(0.25, "x");

    private Targets() {}
}
