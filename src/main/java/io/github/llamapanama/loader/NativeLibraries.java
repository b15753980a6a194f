package io.github.llamapanama.loader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds and loads llama.cpp's shared libraries, once per JVM. Places are tried in this order:
 * <ol>
 *   <li>an explicit directory: system property {@value #DIR_PROPERTY} or env {@value #DIR_ENV};</li>
 *   <li>a natives jar on the classpath (classifier {@code <os>-<arch>[-<variant>]}), extracted
 *       into the cache, verified by SHA-256, safe when several JVMs extract at once;</li>
 *   <li>the staging directory of build-native.sh, {@code <cache>/natives/<classifier>}.</li>
 * </ol>
 * The cache is {@value #CACHE_PROPERTY}, else env {@value #CACHE_ENV}, else ~/.cache/llama-panama.
 * Libraries are loaded with {@link System#load} from this class's loader, which is where the
 * generated bindings look symbols up.
 */
public final class NativeLibraries {
    public static final String DIR_PROPERTY = "llama.panama.natives";
    public static final String DIR_ENV = "LLAMA_PANAMA_NATIVES";
    public static final String CACHE_PROPERTY = "llama.panama.cache";
    public static final String CACHE_ENV = "LLAMA_PANAMA_CACHE";
    public static final String VARIANT_PROPERTY = "llama.panama.variant";
    static final String RESOURCE_ROOT = "/io/github/llamapanama/natives/";
    /** Variants tried before the plain CPU build when none is named. */
    private static final List<String> KNOWN_VARIANTS = List.of("cuda", "vulkan");
    /** Load order for a directory without natives.properties; each needs only those before it. */
    private static final List<String> DEFAULT_ORDER = List.of("ggml-base", "ggml-cpu", "ggml-blas",
            "ggml-cuda", "ggml-vulkan", "ggml-metal", "ggml-hip", "ggml-sycl", "ggml-opencl",
            "ggml-rpc", "ggml", "llama", "mtmd", "llama-panama");
    private static final List<String> REQUIRED = List.of("ggml-base", "ggml", "llama", "mtmd", "llama-panama");

    public enum Source { EXPLICIT_DIRECTORY, CLASSPATH_JAR, STAGING_DIRECTORY }

    /** Where the libraries came from, and which files were loaded, in order. */
    public record Loaded(Source source, String classifier, Path directory, List<Path> libraries) {}

    private static volatile Loaded loaded;

    private NativeLibraries() {}

    /** Loads the natives if this JVM has not yet; thread-safe, and cheap after the first call. */
    public static Loaded load() {
        Loaded l = loaded;
        if (l == null) {
            synchronized (NativeLibraries.class) {
                l = loaded;
                if (l == null) {
                    l = loaded = find(NativePlatform.current());
                }
            }
        }
        return l;
    }

    public static Path cacheDirectory() {
        String dir = System.getProperty(CACHE_PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(CACHE_ENV);
        }
        if (dir == null || dir.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".cache", "llama-panama");
        }
        return Path.of(dir);
    }

    /** The classifiers this JVM accepts, preferred first. */
    static List<String> classifiers(NativePlatform platform) {
        String variant = System.getProperty(VARIANT_PROPERTY, "").trim();
        if (!variant.isEmpty()) {
            return List.of(platform.classifier() + "-" + variant);
        }
        List<String> all = new ArrayList<>();
        KNOWN_VARIANTS.forEach(v -> all.add(platform.classifier() + "-" + v));
        all.add(platform.classifier());
        return all;
    }

    static Loaded find(NativePlatform platform) {
        String explicit = System.getProperty(DIR_PROPERTY);
        String explicitFrom = "-D" + DIR_PROPERTY;
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv(DIR_ENV);
            explicitFrom = DIR_ENV;
        }
        if (explicit != null && !explicit.isBlank()) {
            // Named by the user: a failure here is an error, not a reason to look elsewhere.
            try {
                return loadDirectory(Source.EXPLICIT_DIRECTORY, platform.classifier(), Path.of(explicit), platform);
            } catch (RuntimeException | IOException e) {
                throw new NativeLoadException("llama-panama natives from " + explicitFrom + "=" + explicit
                        + " failed to load: " + e.getMessage(), e);
            }
        }
        List<String> tried = new ArrayList<>();
        List<String> classifiers = classifiers(platform);
        for (String classifier : classifiers) {
            String resource = RESOURCE_ROOT + classifier + "/" + NativesIndex.FILE;
            if (NativeLibraries.class.getResource(resource) == null) {
                tried.add("classpath: no " + resource.substring(1) + " (jar llama-panama-<version>-" + classifier + ".jar)");
                continue;
            }
            try {
                Path dir = extract(classifier);
                return loadDirectory(Source.CLASSPATH_JAR, classifier, dir, platform);
            } catch (RuntimeException | IOException e) {
                tried.add("classpath: " + classifier + " jar found but failed: " + e.getMessage());
            }
        }
        for (String classifier : classifiers) {
            Path dir = cacheDirectory().resolve("natives").resolve(classifier);
            if (!Files.isRegularFile(dir.resolve(NativesIndex.FILE))) {
                tried.add("staging directory: " + dir + " (no " + NativesIndex.FILE + ")");
                continue;
            }
            try {
                return loadDirectory(Source.STAGING_DIRECTORY, classifier, dir, platform);
            } catch (RuntimeException | IOException e) {
                tried.add("staging directory: " + dir + " failed: " + e.getMessage());
            }
        }
        throw new NativeLoadException("No llama-panama natives for platform '" + platform.classifier()
                + "' (accepted classifiers " + classifiers + "). Tried, in order:\n  - "
                + "explicit directory: neither -D" + DIR_PROPERTY + " nor " + DIR_ENV + " is set\n  - "
                + String.join("\n  - ", tried)
                + "\nAdd the natives jar io.github.llamapanama:llama-panama:<version>:" + platform.classifier()
                + " to the classpath, point -D" + DIR_PROPERTY + " at a directory of llama.cpp shared"
                + " libraries, or run ./build-native.sh.");
    }

    private static Loaded loadDirectory(Source source, String classifier, Path dir, NativePlatform platform)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NativeLoadException("not a directory: " + dir);
        }
        List<String> files;
        Path indexFile = dir.resolve(NativesIndex.FILE);
        if (Files.isRegularFile(indexFile)) {
            NativesIndex index = NativesIndex.read(indexFile);
            if (!index.classifier().isEmpty() && !index.classifier().equals(classifier)) {
                throw new NativeLoadException(dir + " holds natives for '" + index.classifier()
                        + "', not '" + classifier + "'");
            }
            files = index.loadOrder();
        } else {
            files = DEFAULT_ORDER.stream().map(platform::libraryFile)
                    .filter(f -> Files.isRegularFile(dir.resolve(f))).toList();
        }
        for (String required : REQUIRED) {
            String f = platform.libraryFile(required);
            if (!files.contains(f) || !Files.isRegularFile(dir.resolve(f))) {
                throw new NativeLoadException("missing " + f + " in " + dir);
            }
        }
        List<Path> libraries = new ArrayList<>();
        for (String f : files) {
            Path lib = dir.resolve(f).toAbsolutePath();
            try {
                System.load(lib.toString());
            } catch (UnsatisfiedLinkError e) {
                throw new NativeLoadException("cannot load " + lib + ": " + e.getMessage(), e);
            }
            libraries.add(lib);
        }
        return new Loaded(source, classifier, dir.toAbsolutePath(), List.copyOf(libraries));
    }

    /**
     * Extracts the natives of {@code classifier} from the classpath into
     * {@code <cache>/extracted/<key>/<classifier>}, unless a verified copy is there. A file lock
     * serialises JVMs that extract at once; each extracts into a private directory and publishes it
     * with an atomic rename, so no JVM ever loads a half-written library.
     */
    static Path extract(String classifier) throws IOException {
        String base = RESOURCE_ROOT + classifier + "/";
        NativesIndex index;
        try (InputStream in = resource(base + NativesIndex.FILE)) {
            index = NativesIndex.read(in);
        }
        Path root = cacheDirectory().resolve("extracted");
        Path target = root.resolve(index.key()).resolve(classifier);
        if (Files.isDirectory(target) && index.firstMismatch(target) == null) {
            return target;
        }
        Files.createDirectories(target.getParent());
        try (FileChannel channel = FileChannel.open(root.resolve(index.key() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            if (Files.isDirectory(target) && index.firstMismatch(target) == null) {
                return target; // another JVM finished while we waited
            }
            deleteRecursively(target);
            Path tmp = Files.createTempDirectory(target.getParent(), classifier + ".tmp");
            try {
                for (String f : index.loadOrder()) {
                    try (InputStream in = resource(base + f)) {
                        Files.copy(in, tmp.resolve(f));
                    }
                }
                Files.writeString(tmp.resolve(NativesIndex.FILE), index.text());
                String bad = index.firstMismatch(tmp);
                if (bad != null) {
                    throw new NativeLoadException(bad + " in the " + classifier
                            + " natives jar does not match its SHA-256 in " + NativesIndex.FILE);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                    Files.move(tmp, target);
                }
            } finally {
                deleteRecursively(tmp);
            }
        }
        return target;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = NativeLibraries.class.getResourceAsStream(name);
        if (in == null) {
            throw new NativeLoadException("natives jar lacks " + name);
        }
        return in;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
