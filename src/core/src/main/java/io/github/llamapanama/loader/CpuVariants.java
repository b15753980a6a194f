package io.github.llamapanama.loader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * The CPU backends of a {@code GGML_BACKEND_DL} build: one module per CPU variant
 * (libggml-cpu-x64.so ... libggml-cpu-sapphirerapids.so on x86-64), or a single libggml-cpu.so
 * elsewhere. Picks the one to load as ggml_backend_load_best does: the highest
 * {@code ggml_backend_score} (0 means this CPU lacks an instruction the variant uses), the first
 * of equal scores; or the variant that {@value #PROPERTY} / {@value #ENV} names.
 */
final class CpuVariants {
    static final String PROPERTY = "llama.panama.cpu.variant";
    static final String ENV = "LLAMA_PANAMA_CPU_VARIANT";
    /** The name of the single CPU module of a build without per-variant modules. */
    static final String GENERIC = "generic";

    /** A CPU module chosen to load, with the score this CPU gave it. */
    record Choice(String file, String variant, int score) {}

    private CpuVariants() {}

    /** The variant a backend module file holds ("haswell"), or empty when it is not a CPU module. */
    static Optional<String> variantOf(NativePlatform platform, String fileName) {
        String prefix = platform.backendModuleFile("ggml-cpu");
        String suffix = prefix.substring(prefix.lastIndexOf('.'));
        String stem = prefix.substring(0, prefix.length() - suffix.length());
        if (fileName.equals(prefix)) {
            return Optional.of(GENERIC);
        }
        if (fileName.startsWith(stem + "-") && fileName.endsWith(suffix)) {
            return Optional.of(fileName.substring(stem.length() + 1, fileName.length() - suffix.length()));
        }
        return Optional.empty();
    }

    static List<String> cpuModules(NativePlatform platform, List<String> backendFiles) {
        return backendFiles.stream().filter(f -> variantOf(platform, f).isPresent()).toList();
    }

    /** The variant named by the system property or the environment, or empty. */
    static Optional<String> forced() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            v = System.getenv(ENV);
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Chooses among {@code modules} (file names), scoring each with {@code score}. A forced variant
     * that is missing, or that this CPU cannot run (score 0), is an error rather than a SIGILL.
     */
    static Choice choose(NativePlatform platform, List<String> modules, Optional<String> forced,
                         ToIntFunction<String> score) {
        return choose(platform, modules, forced, score, m -> Optional.empty());
    }

    /**
     * As above; {@code openFailure} says why a module that scored -1 could not be opened (the
     * dynamic loader's message), so that a missing system library is named as such rather than
     * blamed on the CPU.
     */
    static Choice choose(NativePlatform platform, List<String> modules, Optional<String> forced,
                         ToIntFunction<String> score, Function<String, Optional<String>> openFailure) {
        if (modules.isEmpty()) {
            throw new NativeLoadException("no CPU backend module (" + platform.backendModuleFile("ggml-cpu-<variant>")
                    + ") among the backends");
        }
        List<String> names = new ArrayList<>();
        modules.forEach(m -> names.add(variantOf(platform, m).orElseThrow()));
        if (forced.isPresent()) {
            int i = names.indexOf(forced.get());
            if (i < 0) {
                throw new NativeLoadException("CPU variant '" + forced.get() + "' (-D" + PROPERTY + " or " + ENV
                        + ") is not in these natives; they hold " + names);
            }
            int s = score.applyAsInt(modules.get(i));
            Optional<String> failure = s < 0 ? openFailure.apply(modules.get(i)) : Optional.empty();
            if (failure.isPresent()) {
                throw new NativeLoadException("CPU variant '" + forced.get() + "' (" + modules.get(i)
                        + ") cannot be loaded: " + failure.get());
            }
            if (s <= 0) {
                throw new NativeLoadException("CPU variant '" + forced.get() + "' needs instructions this CPU lacks"
                        + " (ggml_backend_score " + s + "); variants here: " + names);
            }
            return new Choice(modules.get(i), names.get(i), s);
        }
        Choice best = null;
        List<String> scores = new ArrayList<>();
        int[] scored = new int[modules.size()];
        for (int i = 0; i < modules.size(); i++) {
            int s = score.applyAsInt(modules.get(i));
            scored[i] = s;
            scores.add(names.get(i) + "=" + s);
            if (s > 0 && (best == null || s > best.score())) {
                best = new Choice(modules.get(i), names.get(i), s);
            }
        }
        if (best == null) {
            // -1: the module did not open. Say why: a library or symbol version the system lacks is
            // not the CPU's fault.
            Map<String, List<String>> byFailure = new LinkedHashMap<>();
            for (int i = 0; i < modules.size(); i++) {
                if (scored[i] < 0) {
                    Optional<String> why = openFailure.apply(modules.get(i));
                    if (why.isPresent()) {
                        byFailure.computeIfAbsent(why.get(), k -> new ArrayList<>()).add(names.get(i));
                    }
                }
            }
            if (!byFailure.isEmpty()) {
                StringBuilder m = new StringBuilder("the CPU variants of these natives cannot be loaded on this system");
                byFailure.forEach((why, variants) -> m.append("; ").append(String.join(", ", variants))
                        .append(": ").append(why));
                throw new NativeLoadException(m.toString());
            }
            throw new NativeLoadException("this CPU supports none of the CPU variants in these natives (scores "
                    + scores + ")");
        }
        return best;
    }
}
