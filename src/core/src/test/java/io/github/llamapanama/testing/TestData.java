package io.github.llamapanama.testing;

import io.github.llamapanama.loader.NativeLibraries;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test data from llama.cpp's own tree at the pinned commit, in the checkout that
 * {@code build-native.sh} makes ({@code <cache>/llama.cpp}): {@code tools/mtmd/test-1.jpeg},
 * {@code tools/mtmd/test-2.mp3}, {@code models/ggml-vocab-*.gguf} with their {@code .inp}/{@code .out},
 * {@code models/templates/*.jinja}. {@code -Dllama.panama.testdata=DIR} names a flat directory
 * of the same files instead.
 */
public final class TestData {
    /** Where each file lives in llama.cpp's tree. */
    private static final List<String> TREE_DIRS = List.of("tools/mtmd", "models", "models/templates");

    private TestData() {}

    /** The llama.cpp checkout of {@code build-native.sh}, or the directory named by the property. */
    public static Path dir() {
        String named = System.getProperty("llama.panama.testdata", "");
        Path p = named.isBlank() ? checkout() : Path.of(named);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("test data directory not found: " + p.toAbsolutePath()
                    + (named.isBlank() ? " (run ./build-native.sh: it checks out llama.cpp there)"
                            : " (-Dllama.panama.testdata)"));
        }
        return p;
    }

    public static Path file(String name) {
        Path dir = dir();
        List<Path> tried = new java.util.ArrayList<>();
        tried.add(dir.resolve(name));
        for (String sub : TREE_DIRS) {
            tried.add(dir.resolve(sub).resolve(name));
        }
        for (Path p : tried) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("missing test data file " + name + "; tried " + tried
                + " (an old checkout without models/*.gguf: run ./build-native.sh again)");
    }

    private static Path checkout() {
        return NativeLibraries.cacheDirectory().resolve("llama.cpp");
    }
}
