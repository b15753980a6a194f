package io.github.llamapanama.bench;

import io.github.llamapanama.loader.NativeLibraries;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's default models: the generated InternVL3-1B-shaped language model (Qwen2.5-0.5B
 * shapes, random weights) in {@code <cache>/fixtures/}, as the test fixtures write it.
 */
public final class FixtureModels {
    /** The formats the fixtures' {@code 1b} set makes. */
    public static final List<String> FORMATS = List.of("F16", "Q8_0", "Q4_K_M");
    /** Fixtures.GENERATOR_VERSION of the files this looks for. */
    static final int GENERATOR_VERSION = 1;
    static final String GENERATE = "mvn -q test-compile exec:java@fixtures -Dexec.args=1b";

    private FixtureModels() {}

    public static Path directory() {
        return NativeLibraries.cacheDirectory().resolve("fixtures");
    }

    /** The file of one format, present or not. */
    public static Path file(String format) {
        String f = format.toUpperCase(Locale.ROOT);
        if (!FORMATS.contains(f)) {
            throw new IllegalArgumentException("no fixture in format " + format + ": choose from " + FORMATS);
        }
        return directory().resolve("internvl3-1b-shape-v" + GENERATOR_VERSION + "-" + f + ".gguf");
    }

    /** The InternVL3-1B-shaped projector (F16) that the fixtures' {@code 1b} set makes, present or not. */
    public static Path mmproj() {
        return directory().resolve("internvl3-1b-shape-mmproj-v" + GENERATOR_VERSION + "-F16.gguf");
    }

    /**
     * The files of {@code formats}, which must all exist.
     *
     * @throws IllegalStateException naming the missing files and the command that makes them
     */
    public static List<Path> require(List<String> formats) {
        List<Path> files = new ArrayList<>();
        for (String f : formats) {
            files.add(file(f));
        }
        requireFiles(files, "--model FILE.gguf");
        return files;
    }

    /** The projector, which must exist. */
    public static Path requireMmproj() {
        requireFiles(List.of(mmproj()), "--mmproj FILE.gguf, or --no-image");
        return mmproj();
    }

    private static void requireFiles(List<Path> files, String instead) {
        List<String> missing = new ArrayList<>();
        for (Path p : files) {
            if (!Files.isRegularFile(p)) {
                missing.add(p.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("benchmark model(s) missing: " + String.join(", ", missing)
                    + ". Generate them from a checkout of llama-panama with `" + GENERATE
                    + "`, or pass " + instead);
        }
    }
}
