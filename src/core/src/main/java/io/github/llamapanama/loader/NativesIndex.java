package io.github.llamapanama.loader;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * natives.properties, written by build-native.sh beside the staged libraries: the library files
 * in load order (each depends only on those before it), the backend modules of a
 * {@code GGML_BACKEND_DL} build (CPU variants and GPU backends, loaded through ggml after libggml)
 * and the SHA-256 of each, and what they were built with (C library, compiler, runtimes). A GPU
 * add-on lists backends only.
 */
record NativesIndex(String classifier, String llamaCppCommit, String build, List<String> loadOrder,
                    List<String> backends, Map<String, String> sha256, String text) {

    static final String FILE = "natives.properties";

    static NativesIndex parse(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new NativeLoadException("unreadable " + FILE + ": " + e.getMessage(), e);
        }
        List<String> order = list(p.getProperty("load.order", ""));
        List<String> backends = list(p.getProperty("backends", ""));
        if (order.isEmpty() && backends.isEmpty()) {
            throw new NativeLoadException(FILE + " lists no libraries (load.order and backends are empty)");
        }
        Map<String, String> hashes = java.util.stream.Stream.concat(order.stream(), backends.stream())
                .distinct().collect(Collectors.toMap(Function.identity(), f -> p.getProperty("sha256." + f, "")));
        return new NativesIndex(p.getProperty("classifier", ""), p.getProperty("llama.cpp.commit", ""),
                p.getProperty("build", ""), order, backends, hashes, text);
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(f -> !f.isEmpty()).toList();
    }

    /** An add-on (a GPU backend jar): backend modules only, loaded beside a full set. */
    boolean isAddOn() {
        return loadOrder.isEmpty();
    }

    /** Every file this index names: the load order, then the backend modules. */
    List<String> files() {
        return java.util.stream.Stream.concat(loadOrder.stream(), backends.stream()).distinct().toList();
    }

    static NativesIndex read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    static NativesIndex read(InputStream in) throws IOException {
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    /** The first file in {@code dir} whose content does not match its recorded hash, or null. */
    String firstMismatch(Path dir) throws IOException {
        for (String f : files()) {
            Path p = dir.resolve(f);
            if (!Files.isRegularFile(p) || !sha256.get(f).equalsIgnoreCase(sha256(p))) {
                return f;
            }
        }
        return null;
    }

    /** A short stable key for this set of libraries, to name its extraction directory. */
    String key() {
        return sha256(text.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
