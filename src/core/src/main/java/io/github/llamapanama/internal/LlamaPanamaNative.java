package io.github.llamapanama.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls into libllama-panama (native/shim/llama-panama.c), llama-panama's own helpers,
 * bound by hand: jextract's bindings cover llama.cpp's headers only.
 */
public final class LlamaPanamaNative {
    private static final MethodHandle DECODE;
    private static final MethodHandle SAMPLE;
    private static final MethodHandle RELEASE_COMPUTE_THREADS;
    private static final MethodHandle ENCODE_PROFILE_START;
    private static final MethodHandle ENCODE_PROFILE_STOP;
    private static final MethodHandle CLIP_LOAD_OPTIONS;
    private static final MethodHandle CLIP_LOADED_REPORT;
    private static final MethodHandle CPU_EXTRA_BUFTS;
    /**
     * {@code llama_panama_abort_requested}, a ggml_abort_callback that reads the int32 flag it
     * is given as data: non-zero aborts the running decode.
     */
    public static final MemorySegment ABORT_REQUESTED;

    static {
        NativeRuntime.ensureInitialized(); // loads libllama-panama with the others
        SymbolLookup lookup = SymbolLookup.loaderLookup();
        DECODE = Linker.nativeLinker().downcallHandle(find(lookup, "llama_panama_decode"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        SAMPLE = Linker.nativeLinker().downcallHandle(find(lookup, "llama_panama_sample"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
        ABORT_REQUESTED = find(lookup, "llama_panama_abort_requested");
        RELEASE_COMPUTE_THREADS = Linker.nativeLinker().downcallHandle(
                find(lookup, "llama_panama_release_compute_threads"), FunctionDescriptor.of(JAVA_INT));
        ENCODE_PROFILE_START = Linker.nativeLinker().downcallHandle(
                find(lookup, "llama_panama_encode_profile_start"), FunctionDescriptor.ofVoid());
        ENCODE_PROFILE_STOP = Linker.nativeLinker().downcallHandle(
                find(lookup, "llama_panama_encode_profile_stop"), FunctionDescriptor.ofVoid(ADDRESS));
        // in libmtmd, from fixes 8 and 9 of cmake/llama-cpp-fixes.cmake
        CLIP_LOAD_OPTIONS = Linker.nativeLinker().downcallHandle(
                find(lookup, "llama_panama_clip_load_options"), FunctionDescriptor.ofVoid(JAVA_BOOLEAN, JAVA_BOOLEAN));
        CLIP_LOADED_REPORT = Linker.nativeLinker().downcallHandle(
                find(lookup, "llama_panama_clip_loaded_report"), FunctionDescriptor.of(ADDRESS));
        CPU_EXTRA_BUFTS = Linker.nativeLinker().downcallHandle(
                find(lookup, "llama_panama_cpu_extra_bufts"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private LlamaPanamaNative() {}

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + name
                + " (libllama-panama was not loaded: natives from an older build? run ./build-native.sh)"));
    }

    /** llama_decode with the batch passed by pointer: {@code batch} is a llama_batch struct. */
    public static int decode(MemorySegment ctx, MemorySegment batch) {
        try {
            return (int) DECODE.invokeExact(ctx, batch);
        } catch (Throwable t) {
            throw new AssertionError("llama_panama_decode", t);
        }
    }

    /**
     * llama_sampler_sample into {@code candidates}, an array of {@code capacity} llama_token_data
     * the caller reuses; -1 where llama_sampler_sample would abort (no logits at {@code index},
     * nothing selected) or the array is smaller than the vocabulary.
     */
    public static int sample(MemorySegment chain, MemorySegment ctx, int index, MemorySegment candidates, int capacity) {
        try {
            return (int) SAMPLE.invokeExact(chain, ctx, index, candidates, capacity);
        } catch (Throwable t) {
            throw new AssertionError("llama_panama_sample", t);
        }
    }

    /**
     * Frees the OpenMP thread team the calling thread keeps from its last parallel region:
     * 0 freed (or there was none), 1 the natives have no OpenMP, -1 the runtime refused.
     */
    public static int releaseComputeThreads() {
        try {
            return (int) RELEASE_COMPUTE_THREADS.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError("llama_panama_release_compute_threads", t);
        }
    }

    /** Starts timing every node of every image-encoder graph in the process (native/shim/encode-profile.c). */
    public static void encodeProfileStart() {
        try {
            ENCODE_PROFILE_START.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError("llama_panama_encode_profile_start", t);
        }
    }

    /**
     * Stops it: microseconds of the linear layers, attention and the rest, then their node counts.
     */
    public static long[] encodeProfileStop() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG, 6);
            ENCODE_PROFILE_STOP.invokeExact(out);
            return out.toArray(JAVA_LONG);
        } catch (Throwable t) {
            throw new AssertionError("llama_panama_encode_profile_stop", t);
        }
    }

    /**
     * Options of the projectors loaded next on this thread: attention in BF16 where the CPU has
     * BF16 dot products, matrices in the CPU's extra buffer types (AMX, repacked Q4_0/Q4_K);
     * also forgets what earlier loads on this thread reported.
     */
    public static void clipLoadOptions(boolean bf16, boolean extraBufts) {
        try {
            CLIP_LOAD_OPTIONS.invokeExact(bf16, extraBufts);
        } catch (Throwable t) {
            throw new AssertionError("llama_panama_clip_load_options", t);
        }
    }

    /**
     * What the projectors loaded on this thread since {@link #clipLoadOptions} got, per encoder:
     * "bf16-attention;" when attention runs in BF16, "NAME MATRICES MIB;" per extra buffer type.
     */
    public static String clipLoadedReport() {
        try {
            MemorySegment s = (MemorySegment) CLIP_LOADED_REPORT.invokeExact();
            return s.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw new AssertionError("llama_panama_clip_loaded_report", t);
        }
    }

    /** The names of the CPU backend's extra buffer types (native/shim/extra-bufts.c). */
    public static java.util.List<String> cpuExtraBufts() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(1024);
            int n = (int) CPU_EXTRA_BUFTS.invokeExact(out, out.byteSize());
            String names = out.getString(0);
            return n == 0 || names.isEmpty() ? java.util.List.of() : java.util.List.of(names.split(","));
        } catch (Throwable t) {
            throw new AssertionError("llama_panama_cpu_extra_bufts", t);
        }
    }
}
