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
 * in load order (each depends only on those before it) and the SHA-256 of each.
 */
record NativesIndex(String classifier, String llamaCppCommit, List<String> loadOrder,
                    Map<String, String> sha256, String text) {

    static final String FILE = "natives.properties";

    static NativesIndex parse(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new NativeLoadException("unreadable " + FILE + ": " + e.getMessage(), e);
        }
        String order = p.getProperty("load.order", "").trim();
        if (order.isEmpty()) {
            throw new NativeLoadException(FILE + " lists no libraries (load.order is empty)");
        }
        List<String> files = Arrays.stream(order.split(",")).map(String::trim).toList();
        Map<String, String> hashes = files.stream().collect(Collectors.toMap(Function.identity(),
                f -> p.getProperty("sha256." + f, "")));
        return new NativesIndex(p.getProperty("classifier", ""), p.getProperty("llama.cpp.commit", ""),
                files, hashes, text);
    }

    static NativesIndex read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    static NativesIndex read(InputStream in) throws IOException {
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    /** The first file in {@code dir} whose content does not match its recorded hash, or null. */
    String firstMismatch(Path dir) throws IOException {
        for (String f : loadOrder) {
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
