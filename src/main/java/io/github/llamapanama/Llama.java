package io.github.llamapanama;

import io.github.llamapanama.internal.LogBridge;
import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.loader.NativeLibraries;

import java.lang.System.Logger.Level;
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
     * TEMPORARY no-op with the signature the lead is adding on main (frees the calling thread's
     * OpenMP team); main's version replaces this on merge.
     */
    public static boolean releaseComputeThreads() {
        return false;
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
