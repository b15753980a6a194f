package io.github.llamapanama.loader;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeLibrariesTest {

    @Test
    void noNativesForAnUnknownPlatformNamesTheClassifierAndEveryPlaceTried() {
        NativePlatform fake = new NativePlatform("plan9", "mips");
        NativeLoadException e = assertThrows(NativeLoadException.class, () -> NativeLibraries.find(fake));
        String m = e.getMessage();
        assertTrue(m.contains("'plan9-mips'"), m);
        assertTrue(m.contains("explicit directory: neither -Dllama.panama.natives nor LLAMA_PANAMA_NATIVES"), m);
        assertTrue(m.contains("io/github/llamapanama/natives/plan9-mips/natives.properties"), m);
        assertTrue(m.contains("io/github/llamapanama/natives/plan9-mips-cuda/natives.properties"), m);
        assertTrue(m.contains("staging directory: " + NativeLibraries.cacheDirectory().resolve("natives").resolve("plan9-mips")), m);
        assertTrue(m.contains("io.github.llamapanama:llama-panama:<version>:plan9-mips"), m);
        assertTrue(m.contains("./build-native.sh"), m);
    }

    @Test
    void indexListsLoadOrderAndHashes() {
        NativesIndex index = NativesIndex.parse("""
                classifier=linux-x86_64
                llama.cpp.commit=abc
                sha256.libggml-base.so=00
                sha256.libllama.so=11
                load.order=libggml-base.so,libllama.so
                """);
        assertTrue(index.loadOrder().equals(java.util.List.of("libggml-base.so", "libllama.so")));
        assertTrue(index.sha256().get("libllama.so").equals("11"));
        assertThrows(NativeLoadException.class, () -> NativesIndex.parse("classifier=x\n"));
    }

    @Test
    void indexOfABackendModuleBuildAndOfAGpuAddOn() {
        NativesIndex full = NativesIndex.parse("""
                classifier=linux-x86_64
                sha256.libggml-base.so=00
                sha256.libggml-cpu-x64.so=22
                load.order=libggml-base.so
                backends=libggml-cpu-x64.so
                """);
        assertTrue(full.files().equals(java.util.List.of("libggml-base.so", "libggml-cpu-x64.so")));
        assertTrue(full.sha256().get("libggml-cpu-x64.so").equals("22"));
        assertTrue(!full.isAddOn());
        NativesIndex addOn = NativesIndex.parse("""
                classifier=linux-x86_64-vulkan
                sha256.libggml-vulkan.so=33
                load.order=
                backends=libggml-vulkan.so
                """);
        assertTrue(addOn.isAddOn());
        assertTrue(addOn.files().equals(java.util.List.of("libggml-vulkan.so")));
    }
}
