package io.github.llamapanama.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared test data directory (../shared/testdata), from -Dllama.panama.testdata. */
public final class TestData {
    private TestData() {}

    public static Path dir() {
        String dir = System.getProperty("llama.panama.testdata", "../shared/testdata");
        Path p = Path.of(dir);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("test data directory not found: " + p.toAbsolutePath()
                    + " (set -Dllama.panama.testdata)");
        }
        return p;
    }

    public static Path file(String name) {
        Path p = dir().resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing test data file " + p.toAbsolutePath());
        }
        return p;
    }
}
