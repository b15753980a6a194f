package io.github.llamapanama.vision;

import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.mtmd_context_params;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * mtmd_context_params.
 *
 * @param threads      threads for the vision/audio encoder
 * @param useGpu       run the encoder on the GPU when the build has one
 * @param verbose      let mtmd/clip log at INFO (they log to stderr themselves, not through
 *                     llama.cpp's log); otherwise errors only
 * @param printTimings mtmd prints encode timings to stderr
 * @param mediaMarker  the text that stands for one image or audio clip in a prompt
 * @param bf16         on a CPU with native BF16 dot products (the zen4, cooperlake and
 *                     sapphirerapids variants), run an F16 projector with its matrices in BF16
 *                     when that conversion is exact for every value (as for InternVL3, whose
 *                     weights were released in BF16); the converted file is cached. There, the
 *                     encoder's attention also runs in BF16 whatever the weights' type (F16, Q8_0,
 *                     Q4_0). On by default; off keeps both as llama.cpp has them
 * @param extraBufferTypes with the encoder on the CPU, keep each matrix the CPU's extra buffer
 *                     types have kernels for in that buffer type, as llama.cpp does for a
 *                     model's weights: AMX (Q4_0, Q4_1, Q8_0, Q4_K to Q6_K, IQ4_XS, F16) on Sapphire Rapids,
 *                     Q4_0 and Q4_K repacked for AVX2 and NEON. On by default;
 *                     {@link Projector#weights()} says what went there
 */
public record ProjectorParams(int threads, boolean useGpu, boolean verbose, boolean printTimings, String mediaMarker,
                              boolean bf16, boolean extraBufferTypes) {

    public ProjectorParams(int threads, boolean useGpu, boolean verbose, boolean printTimings, String mediaMarker) {
        this(threads, useGpu, verbose, printTimings, mediaMarker, true, true);
    }

    public ProjectorParams {
        Objects.requireNonNull(mediaMarker, "mediaMarker");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        if (mediaMarker.isEmpty()) {
            throw new IllegalArgumentException("mediaMarker must not be empty");
        }
    }

    /** mtmd's defaults, with threads = available processors, quiet, no timings. */
    public static ProjectorParams defaults() {
        NativeRuntime.ensureInitialized();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = LlamaNative.mtmd_context_params_default(arena);
            return new ProjectorParams(Runtime.getRuntime().availableProcessors(), mtmd_context_params.use_gpu(p),
                    false, false, LlamaNative.mtmd_default_marker().getString(0));
        }
    }

    public ProjectorParams withThreads(int n) {
        return new ProjectorParams(n, useGpu, verbose, printTimings, mediaMarker, bf16, extraBufferTypes);
    }

    public ProjectorParams withUseGpu(boolean on) {
        return new ProjectorParams(threads, on, verbose, printTimings, mediaMarker, bf16, extraBufferTypes);
    }

    public ProjectorParams withVerbose(boolean on) {
        return new ProjectorParams(threads, useGpu, on, printTimings, mediaMarker, bf16, extraBufferTypes);
    }

    public ProjectorParams withMediaMarker(String marker) {
        return new ProjectorParams(threads, useGpu, verbose, printTimings, marker, bf16, extraBufferTypes);
    }

    /** Whether an F16 projector may run with exact BF16 weights on a CPU with BF16 dot products. */
    public ProjectorParams withBf16(boolean on) {
        return new ProjectorParams(threads, useGpu, verbose, printTimings, mediaMarker, on, extraBufferTypes);
    }

    /** Whether matrices may live in the CPU's extra buffer types (AMX, repacked quantizations). */
    public ProjectorParams withExtraBufferTypes(boolean on) {
        return new ProjectorParams(threads, useGpu, verbose, printTimings, mediaMarker, bf16, on);
    }

    MemorySegment toNative(Arena arena) {
        MemorySegment p = LlamaNative.mtmd_context_params_default(arena);
        mtmd_context_params.n_threads(p, threads);
        mtmd_context_params.use_gpu(p, useGpu);
        mtmd_context_params.print_timings(p, printTimings);
        mtmd_context_params.verbosity(p, verbose ? LlamaNative.GGML_LOG_LEVEL_INFO() : LlamaNative.GGML_LOG_LEVEL_ERROR());
        // image_marker is deprecated: mtmd refuses any value but its default, so leave it alone
        mtmd_context_params.media_marker(p, arena.allocateFrom(mediaMarker));
        return p;
    }
}
