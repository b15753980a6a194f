package io.github.llamapanama.internal;

import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.loader.NativeLibraries;

/**
 * One-time native setup for this JVM: load the libraries, route llama.cpp's log to Java, then
 * {@code llama_backend_init}. Every class that calls into llama.cpp calls {@link #ensureInitialized}
 * first; after the first call it is a volatile read.
 */
public final class NativeRuntime {
    private static volatile boolean initialized;

    private NativeRuntime() {}

    public static void ensureInitialized() {
        if (!initialized) {
            synchronized (NativeRuntime.class) {
                if (!initialized) {
                    NativeLibraries.load();
                    LogBridge.install(); // before backend init, which already logs
                    LlamaNative.llama_backend_init();
                    initialized = true;
                }
            }
        }
    }
}
