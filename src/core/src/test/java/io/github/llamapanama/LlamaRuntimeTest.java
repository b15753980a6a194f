package io.github.llamapanama;

import io.github.llamapanama.loader.NativeLibraries;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LlamaRuntimeTest {

    @Test
    void loadsTheStagedNativesOfThisBuild() {
        NativeLibraries.Loaded loaded = Llama.initialize();
        assertEquals(NativeLibraries.Source.STAGING_DIRECTORY, loaded.source(),
                "surefire runs against build-native.sh's staging directory");
        assertEquals(6, loaded.libraries().size(), loaded.libraries().toString());
        assertTrue(loaded.libraries().get(4).getFileName().toString().contains("mtmd"));
        assertTrue(loaded.libraries().getLast().getFileName().toString().contains("llama-panama"),
                "the shim, which needs libllama, comes last");
    }

    @Test
    void systemInfoNamesTheCpuBackend() {
        String info = Llama.systemInfo();
        assertTrue(info.contains("CPU"), info);
    }

    @Test
    void runtimeFacts() {
        assertTrue(Llama.maxDevices() >= 1);
        assertTrue(Llama.supportsMmap(), "Linux builds have mmap");
        assertFalse(Llama.supportsRpc(), "built without GGML_RPC");
        assertFalse(Llama.supportsGpuOffload(), "CPU-only build");
        assertEquals("<__media__>", Llama.defaultMediaMarker());
    }

    @Test
    void reportsThePinnedCommit() {
        assertEquals("ea1431b0fa3a8108aac1e0a94a13ccc4a749963e", Llama.llamaCppCommit());
        assertFalse(Llama.version().isBlank());
    }

    @Test
    void initialisationIsThreadSafe() throws Exception {
        var threads = new java.util.ArrayList<Thread>();
        var infos = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform().start(() -> infos.add(Llama.systemInfo())));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, infos.size());
    }
}
