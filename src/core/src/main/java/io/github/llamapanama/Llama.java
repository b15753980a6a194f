package io.github.llamapanama;

import io.github.llamapanama.internal.LlamaPanamaNative;
import io.github.llamapanama.internal.LogBridge;
import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.loader.NativeLibraries;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Facts about the loaded llama.cpp runtime. The first call of any method loads the natives
 * (see {@link NativeLibraries}) and initialises the backend, once per JVM and thread-safely.
 *
 * {@snippet :
 * System.out.println(Llama.systemInfo());   // "CPU : SSE3 = 1 | AVX = 1 | ..."
 * }
 */
public final class Llama {
    private static final Properties BUILD = loadBuildProperties();

    private Llama() {}

    /** Loads and initialises the natives now rather than on first use. */
    public static NativeLibraries.Loaded initialize() {
        NativeRuntime.ensureInitialized();
        return NativeLibraries.load();
    }

    /**
     * llama_print_system_info: the compiled-in CPU features and backends. Read once: the native
     * function rebuilds a static string on each call, so concurrent calls would race.
     */
    public static String systemInfo() {
        return SystemInfo.TEXT;
    }

    private static final class SystemInfo {
        static final String TEXT;

        static {
            NativeRuntime.ensureInitialized();
            TEXT = LlamaNative.llama_print_system_info().getString(0).strip();
        }
    }

    /**
     * The CPU variant ggml runs on: the module of a backend-module build chosen for this CPU
     * ("haswell", "sapphirerapids", or the one {@code -Dllama.panama.cpu.variant} named); empty
     * when the CPU backend is built into the libraries (a {@code --native} or {@code --portable} build).
     */
    public static Optional<String> cpuVariant() {
        return initialize().cpuVariant();
    }

    /** The backend modules registered with ggml at load time, GPU add-ons first, the CPU last (empty: built in). */
    public static List<NativeLibraries.Backend> backends() {
        return initialize().backends();
    }

    /** Every device of every registered backend, in ggml's order (GPUs first, the CPU last). */
    public static List<Device> devices() {
        NativeRuntime.ensureInitialized();
        List<Device> devices = new ArrayList<>();
        long n = LlamaNative.ggml_backend_dev_count();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
            for (long i = 0; i < n; i++) {
                MemorySegment dev = LlamaNative.ggml_backend_dev_get(i);
                int t = LlamaNative.ggml_backend_dev_type(dev);
                Device.Type type = t == LlamaNative.GGML_BACKEND_DEVICE_TYPE_GPU() ? Device.Type.GPU
                        : t == LlamaNative.GGML_BACKEND_DEVICE_TYPE_ACCEL() ? Device.Type.ACCEL : Device.Type.CPU;
                LlamaNative.ggml_backend_dev_memory(dev, free, total);
                devices.add(new Device(string(LlamaNative.ggml_backend_dev_name(dev)),
                        string(LlamaNative.ggml_backend_dev_description(dev)), type,
                        free.get(ValueLayout.JAVA_LONG, 0), total.get(ValueLayout.JAVA_LONG, 0)));
            }
        }
        return List.copyOf(devices);
    }

    private static String string(MemorySegment s) {
        return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(4096).getString(0);
    }

    /** llama_max_devices: how many devices a model can be split over. */
    public static long maxDevices() {
        NativeRuntime.ensureInitialized();
        return LlamaNative.llama_max_devices();
    }

    public static boolean supportsMmap() {
        NativeRuntime.ensureInitialized();
        return LlamaNative.llama_supports_mmap();
    }

    public static boolean supportsMlock() {
        NativeRuntime.ensureInitialized();
        return LlamaNative.llama_supports_mlock();
    }

    public static boolean supportsGpuOffload() {
        NativeRuntime.ensureInitialized();
        return LlamaNative.llama_supports_gpu_offload();
    }

    public static boolean supportsRpc() {
        NativeRuntime.ensureInitialized();
        return LlamaNative.llama_supports_rpc();
    }

    /** mtmd_default_marker: the text that stands for one image or audio clip in a prompt. */
    public static String defaultMediaMarker() {
        NativeRuntime.ensureInitialized();
        return LlamaNative.mtmd_default_marker().getString(0);
    }

    /** The llama.cpp commit these bindings were generated from and the natives built at. */
    public static String llamaCppCommit() {
        return BUILD.getProperty("llama.cpp.commit");
    }

    /** This library's version. */
    public static String version() {
        return BUILD.getProperty("version");
    }

    /**
     * Frees the compute threads that the calling thread keeps after running native compute, so
     * that decoding on other threads stays at full speed.
     *
     * <p>Why: ggml-cpu computes with OpenMP, and OpenMP keeps an idle team of worker threads on
     * every thread that ever ran a parallel region. libgomp counts the threads of all teams; once
     * they outnumber the CPUs it stops spin-waiting at barriers, and a decode on another thread then
     * sleeps at each of its ~900 graph barriers a token (2.5x slower for a 0.5B model on 2 cores).
     * A model loaded on the main thread and used from a worker thread hit exactly that, because
     * loading a quantized model converts its weights for AMX in a parallel region.
     *
     * <p>The library calls this itself where a thread's compute ends: after {@code Model.load} and
     * {@code Projector.load}, when a {@code Generation}, a batch run or an embedding call ends, and
     * when a context closes. Call it yourself after driving {@code Context.decode} or
     * {@code Projector.evaluate} directly from a long-lived thread (a pool thread, a framework's
     * worker) that will not decode again soon. It is cheap: the thread's next parallel region
     * starts a new team (one thread creation per compute thread).
     *
     * @return false where the natives were built without OpenMP (nothing to free)
     */
    public static boolean releaseComputeThreads() {
        NativeRuntime.ensureInitialized();
        return LlamaPanamaNative.releaseComputeThreads() == 0;
    }

    /** The threshold below which llama.cpp's log is dropped; ERROR unless -Dllama.panama.log says. */
    public static void setLogLevel(Level level) {
        LogBridge.setLevel(level);
    }

    private static Properties loadBuildProperties() {
        Properties p = new Properties();
        try (var in = Llama.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p;
    }
}
