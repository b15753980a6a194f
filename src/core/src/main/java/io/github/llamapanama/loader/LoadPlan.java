package io.github.llamapanama.loader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What loading one directory of natives does, in order, before anything is loaded: the libraries
 * for {@link System#load} (each needs only those before it), the point after libggml where the
 * backend modules of a {@code GGML_BACKEND_DL} build are registered, and on Windows the directory
 * for AddDllDirectory. Pure: the file names and the order are unit-tested for every platform.
 *
 * @param libraries   file names, in load order
 * @param backendsAfter index in {@code libraries} of libggml, after which backends are loaded
 * @param cpuModules  CPU backend modules (variants), one of which is chosen
 * @param otherModules other backend modules (GPU, BLAS, RPC), each loaded
 * @param dllDirectory the directory to add to the DLL search path (Windows only)
 */
record LoadPlan(List<String> libraries, int backendsAfter, List<String> cpuModules, List<String> otherModules,
                Optional<Path> dllDirectory) {

    /** Load order for a directory without natives.properties; each needs only those before it. */
    static final List<String> DEFAULT_ORDER = List.of("ggml-base", "ggml-cpu", "ggml-blas",
            "ggml-cuda", "ggml-vulkan", "ggml-metal", "ggml-hip", "ggml-sycl", "ggml-opencl",
            "ggml-rpc", "ggml", "llama", "mtmd", "llama-panama");
    static final List<String> REQUIRED = List.of("ggml-base", "ggml", "llama", "mtmd", "llama-panama");

    /**
     * The plan for {@code dir}, from its index, or (no index) from the default order of the files
     * that {@code exists} finds.
     */
    static LoadPlan of(NativePlatform platform, Path dir, NativesIndex index, Predicate<String> exists) {
        List<String> files;
        List<String> backends;
        if (index != null) {
            files = index.loadOrder();
            backends = index.backends();
        } else {
            files = DEFAULT_ORDER.stream().map(platform::libraryFile).filter(exists).toList();
            backends = List.of();
        }
        for (String required : REQUIRED) {
            String f = platform.libraryFile(required);
            if (!files.contains(f) || !exists.test(f)) {
                throw new NativeLoadException("missing " + f + " in " + dir
                        + (files.stream().anyMatch(n -> !n.endsWith(extension(platform)))
                                ? " (these natives are for another platform: " + files + ")" : ""));
            }
        }
        for (String b : backends) {
            if (!exists.test(b)) {
                throw new NativeLoadException("missing backend module " + b + " in " + dir);
            }
        }
        List<String> cpu = CpuVariants.cpuModules(platform, backends);
        List<String> other = new ArrayList<>(backends);
        other.removeAll(cpu);
        int ggml = files.indexOf(platform.libraryFile("ggml"));
        Optional<Path> dllDir = platform.os().equals("windows") ? Optional.of(dir) : Optional.empty();
        return new LoadPlan(List.copyOf(files), ggml, cpu, List.copyOf(other), dllDir);
    }

    private static String extension(NativePlatform platform) {
        String f = platform.libraryFile("x");
        return f.substring(f.lastIndexOf('.'));
    }

    /** The steps in order, for messages and tests: "load F", "cpu [variants]", "backend F", "AddDllDirectory D". */
    List<String> steps() {
        List<String> steps = new ArrayList<>();
        dllDirectory.ifPresent(d -> steps.add("AddDllDirectory " + d));
        for (int i = 0; i < libraries.size(); i++) {
            steps.add("load " + libraries.get(i));
            if (i == backendsAfter) {
                otherModules.forEach(m -> steps.add("backend " + m));
                if (!cpuModules.isEmpty()) {
                    steps.add("cpu " + cpuModules); // last, as ggml_backend_load_all does
                }
            }
        }
        return steps;
    }
}
