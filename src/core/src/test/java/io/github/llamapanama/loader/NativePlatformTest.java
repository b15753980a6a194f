package io.github.llamapanama.loader;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NativePlatformTest {

    @ParameterizedTest
    @CsvSource({
            "Linux, amd64, linux-x86_64, libllama.so",
            "Linux, aarch64, linux-aarch_64, libllama.so",
            "Mac OS X, aarch64, osx-aarch_64, libllama.dylib",
            "Mac OS X, x86_64, osx-x86_64, libllama.dylib",
            "Windows 11, amd64, windows-x86_64, llama.dll",
    })
    void classifierAndLibraryNames(String os, String arch, String classifier, String file) {
        NativePlatform p = NativePlatform.of(os, arch);
        assertEquals(classifier, p.classifier());
        assertEquals(file, p.libraryFile("llama"));
    }
}
