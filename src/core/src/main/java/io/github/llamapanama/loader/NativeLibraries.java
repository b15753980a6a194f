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
import java.util.Optional;
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
 *
 * <p>A {@code GGML_BACKEND_DL} build (build-native.sh's default) keeps its backends in modules
 * that libggml registers at run time: after libggml is loaded, the CPU variant with the best
 * {@code ggml_backend_score} for this CPU is registered (or the one {@value CpuVariants#PROPERTY}
 * / {@code LLAMA_PANAMA_CPU_VARIANT} names), then every other backend module of the directory,
 * then the backends of GPU add-on jars on the classpath ({@code <os>-<arch>-vulkan},
 * {@code -cuda}: backend modules only). Add-ons staged by {@code build-native.sh --vulkan} are
 * used only when {@value #VARIANT_PROPERTY} names them. A build without backend modules (the
 * {@code --native} and {@code --portable} builds) loads as before: its CPU backend is part of the
 * load order.
 */
public final class NativeLibraries {
    public static final String DIR_PROPERTY = "llama.panama.natives";
    public static final String DIR_ENV = "LLAMA_PANAMA_NATIVES";
    public static final String CACHE_PROPERTY = "llama.panama.cache";
    public static final String CACHE_ENV = "LLAMA_PANAMA_CACHE";
    public static final String VARIANT_PROPERTY = "llama.panama.variant";
    /** Forces a CPU variant of a backend-module build by name ("x64", "haswell", ...). */
    public static final String CPU_VARIANT_PROPERTY = CpuVariants.PROPERTY;
    public static final String CPU_VARIANT_ENV = CpuVariants.ENV;
    static final String RESOURCE_ROOT = "/io/github/llamapanama/natives/";
    /** GPU variants: full builds tried before the plain CPU build, or add-ons loaded beside it. */
    private static final List<String> KNOWN_VARIANTS = List.of("cuda", "vulkan");
    private static final System.Logger LOG = System.getLogger(NativeLibraries.class.getName());

    public enum Source { EXPLICIT_DIRECTORY, CLASSPATH_JAR, STAGING_DIRECTORY }

    /**
     * A ggml backend module registered through {@code ggml_backend_load}.
     *
     * @param name       ggml's name for the backend ("CPU", "Vulkan", "CUDA")
     * @param file       the module that was loaded
     * @param classifier the natives it came from: the CPU natives, or a GPU add-on
     */
    public record Backend(String name, Path file, String classifier) {}

    /**
     * Where the libraries came from, and which files were loaded, in order.
     *
     * @param build      what the natives were built with: the C library they need at least, the
     *                   compiler, the C++ and threading runtimes ("Linux x86_64, glibc 2.31, Clang
     *                   16.0.6, static C++ runtime, ggml thread pool"); empty where not recorded
     * @param libraries  every library loaded, in order; backend modules follow libggml
     * @param cpuVariant the CPU variant module registered ("haswell", "sapphirerapids"), or empty
     *                   when the CPU backend is built into the libraries (no backend modules)
     * @param backends   the backend modules registered with ggml, in order: GPU add-ons, then the CPU
     * @param warnings   backends that were present but not registered, with the reason
     */
    public record Loaded(Source source, String classifier, String build, Path directory, List<Path> libraries,
                         Optional<String> cpuVariant, List<Backend> backends, List<String> warnings) {}

    /** GPU backend modules from an add-on jar or staging directory. */
    private record AddOn(String classifier, Path directory, NativesIndex index) {}

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

    private static String namedVariant() {
        return System.getProperty(VARIANT_PROPERTY, "").trim();
    }

    /** The classifiers this JVM accepts, preferred first. */
    static List<String> classifiers(NativePlatform platform) {
        String variant = namedVariant();
        if (!variant.isEmpty()) {
            return List.of(platform.classifier() + "-" + variant, platform.classifier());
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
            if (findResource(resource) == null) {
                tried.add("classpath: no " + resource.substring(1) + " (jar llama-panama-natives-<version>-" + classifier + ".jar)");
                continue;
            }
            try {
                if (resourceIndex(classifier).isAddOn()) {
                    tried.add("classpath: " + classifier + " is a GPU add-on (backends only), not a full set");
                    continue;
                }
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
                if (NativesIndex.read(dir.resolve(NativesIndex.FILE)).isAddOn()) {
                    tried.add("staging directory: " + dir + " is a GPU add-on (backends only), not a full set");
                    continue;
                }
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

    private static NativesIndex resourceIndex(String classifier) throws IOException {
        try (InputStream in = resource(RESOURCE_ROOT + classifier + "/" + NativesIndex.FILE)) {
            return NativesIndex.read(in);
        }
    }

    /**
     * GPU add-ons to load beside the base natives {@code baseClassifier}: add-on jars on the
     * classpath, and the staged add-on of a variant named by {@value #VARIANT_PROPERTY}.
     */
    private static List<AddOn> addOns(NativePlatform platform, String baseClassifier, List<String> warnings) {
        List<AddOn> addOns = new ArrayList<>();
        String named = namedVariant();
        List<String> variants = named.isEmpty() ? KNOWN_VARIANTS : List.of(named);
        for (String v : variants) {
            String classifier = platform.classifier() + "-" + v;
            if (classifier.equals(baseClassifier)) {
                continue;
            }
            try {
                if (findResource(RESOURCE_ROOT + classifier + "/" + NativesIndex.FILE) != null) {
                    NativesIndex index = resourceIndex(classifier);
                    if (index.isAddOn()) {
                        addOns.add(new AddOn(classifier, extract(classifier), index));
                        continue;
                    }
                }
                Path staged = cacheDirectory().resolve("natives").resolve(classifier);
                if (!named.isEmpty() && Files.isRegularFile(staged.resolve(NativesIndex.FILE))) {
                    NativesIndex index = NativesIndex.read(staged.resolve(NativesIndex.FILE));
                    if (index.isAddOn()) {
                        addOns.add(new AddOn(classifier, staged, index));
                    }
                }
            } catch (RuntimeException | IOException e) {
                warnings.add(classifier + " add-on not loaded: " + e.getMessage());
            }
        }
        return addOns;
    }

    private static Loaded loadDirectory(Source source, String classifier, Path dir, NativePlatform platform)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NativeLoadException("not a directory: " + dir);
        }
        NativesIndex index = null;
        Path indexFile = dir.resolve(NativesIndex.FILE);
        if (Files.isRegularFile(indexFile)) {
            index = NativesIndex.read(indexFile);
            if (!index.classifier().isEmpty() && !index.classifier().equals(classifier)) {
                throw new NativeLoadException(dir + " holds natives for '" + index.classifier()
                        + "', not '" + classifier + "'");
            }
        }
        LoadPlan plan = LoadPlan.of(platform, dir, index, f -> Files.isRegularFile(dir.resolve(f)));
        if (plan.dllDirectory().isPresent() && !WindowsDllDirectory.add(plan.dllDirectory().get())) {
            LOG.log(System.Logger.Level.DEBUG, "AddDllDirectory refused " + dir);
        }
        List<Path> libraries = new ArrayList<>();
        List<Backend> backends = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Optional<String> cpuVariant = Optional.empty();
        for (int i = 0; i < plan.libraries().size(); i++) {
            Path lib = dir.resolve(plan.libraries().get(i)).toAbsolutePath();
            try {
                System.load(lib.toString());
            } catch (UnsatisfiedLinkError e) {
                throw new NativeLoadException("cannot load " + lib + ": " + e.getMessage(), e);
            }
            libraries.add(lib);
            if (i == plan.backendsAfter()) {
                cpuVariant = registerBackends(platform, classifier, dir, plan, backends, warnings);
                backends.forEach(b -> libraries.add(b.file()));
            }
        }
        return new Loaded(source, classifier, index == null ? "" : index.build(), dir.toAbsolutePath(),
                List.copyOf(libraries), cpuVariant,
                List.copyOf(backends), List.copyOf(warnings));
    }

    /** Registers the backend modules of the plan and of the GPU add-ons; the chosen CPU variant. */
    private static Optional<String> registerBackends(NativePlatform platform, String classifier, Path dir,
                                                     LoadPlan plan, List<Backend> backends, List<String> warnings) {
        List<AddOn> addOns = addOns(platform, classifier, warnings);
        if (plan.cpuModules().isEmpty() && plan.otherModules().isEmpty() && addOns.isEmpty()) {
            return Optional.empty(); // backends built into libggml
        }
        GgmlBackendLoader ggml = GgmlBackendLoader.bind();
        // As ggml_backend_load_all: the GPU and other backends first, the CPU last.
        for (String m : plan.otherModules()) {
            register(ggml, dir.resolve(m).toAbsolutePath(), classifier, backends, warnings);
        }
        for (AddOn addOn : addOns) {
            for (String m : addOn.index().backends()) {
                register(ggml, addOn.directory().resolve(m).toAbsolutePath(), addOn.classifier(), backends, warnings);
            }
        }
        Optional<String> cpuVariant = Optional.empty();
        if (!plan.cpuModules().isEmpty()) {
            CpuVariants.Choice choice = CpuVariants.choose(platform, plan.cpuModules(), CpuVariants.forced(),
                    f -> GgmlBackendLoader.score(dir.resolve(f)), f -> GgmlBackendLoader.openFailure(dir.resolve(f)));
            Path file = dir.resolve(choice.file()).toAbsolutePath();
            String name = ggml.load(file).orElseThrow(() -> new NativeLoadException(
                    "ggml_backend_load refused the CPU variant " + file));
            backends.add(new Backend(name, file, classifier));
            cpuVariant = Optional.of(choice.variant());
        } else if (CpuVariants.forced().isPresent()) {
            throw new NativeLoadException(CpuVariants.PROPERTY + "=" + CpuVariants.forced().get()
                    + " names a CPU variant, but the natives in " + dir + " have no CPU backend modules");
        }
        return cpuVariant;
    }

    private static void register(GgmlBackendLoader ggml, Path file, String classifier, List<Backend> backends,
                                 List<String> warnings) {
        Optional<String> name = ggml.load(file);
        if (name.isPresent()) {
            backends.add(new Backend(name.get(), file, classifier));
        } else {
            String w = file.getFileName() + " (" + classifier + ") was not registered: ggml_backend_load refused it"
                    + " (a missing driver or runtime library; ggml's log says which)";
            warnings.add(w);
            LOG.log(System.Logger.Level.WARNING, w);
        }
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
                for (String f : index.files()) {
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

    /**
     * A natives jar's resource, through the class loader: on the module path this library is a
     * named module, and {@code Class.getResource} would search only the library's own jar.
     */
    private static java.net.URL findResource(String name) {
        ClassLoader loader = NativeLibraries.class.getClassLoader();
        String relative = name.substring(1);
        return loader == null ? ClassLoader.getSystemResource(relative) : loader.getResource(relative);
    }

    private static InputStream resource(String name) throws IOException {
        java.net.URL url = findResource(name);
        InputStream in = url == null ? null : url.openStream();
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
