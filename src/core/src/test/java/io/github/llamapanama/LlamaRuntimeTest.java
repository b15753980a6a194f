package io.github.llamapanama;

import io.github.llamapanama.loader.NativeLibraries;
import io.github.llamapanama.loader.NativePlatform;
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
        java.util.List<String> names = loaded.libraries().stream().map(p -> p.getFileName().toString()).toList();
        // Linux: the bundled OpenMP runtime first (every CPU variant and the shim need it): GCC's
        // libgomp in a build on this machine, LLVM's libomp in the portable build.
        boolean bundledOpenMp = names.getFirst().matches("libllama-panama-g?omp\\.so");
        assertEquals(NativePlatform.current().os().equals("linux"), bundledOpenMp, names + " built with " + loaded.build());
        String runtime = names.getFirst().replaceAll("^libllama-panama-(g?omp)\\.so$", "lib$1");
        assertTrue(!bundledOpenMp || loaded.build().contains("OpenMP (bundled " + runtime + ")"),
                names.getFirst() + " but built with " + loaded.build());
        assertTrue(Llama.releaseComputeThreads(), "the OpenMP runtime frees its threads");
        assertEquals(bundledOpenMp ? 7 : 6, names.size(), names.toString());
        assertTrue(names.get(names.size() - 2).contains("mtmd"), names.toString());
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
