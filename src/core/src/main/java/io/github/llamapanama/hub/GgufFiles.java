package io.github.llamapanama.hub;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks a model and its projector among a repo's files. A quant tag matches as a whole token of
 * the path, case-insensitively, so {@code q4_k} matches {@code InternVL3-1B-q4_k.gguf} but not
 * {@code InternVL3-1B-q4_k_m.gguf}, and {@code q8_0} does not match {@code bf16_q8_0}.
 */
final class GgufFiles {
    /** Tried in order when no quant is given, as llama.cpp's {@code -hf} does (then any file). */
    static final List<String> DEFAULT_QUANTS = List.of("Q4_K_M", "Q8_0");
    private static final Pattern SHARD = Pattern.compile("(.*)-(\\d{5})-of-(\\d{5})\\.gguf",
            Pattern.CASE_INSENSITIVE);
    // Shortest first: the plain name wins over longer variants that share the token.
    private static final Comparator<String> PREFERENCE = Comparator.comparingInt(String::length)
            .thenComparing(Comparator.naturalOrder());

    /** The chosen files: the model's parts (one unless split, first to load) and the projector. */
    record Choice(List<String> model, String mmproj) {}

    private GgufFiles() {}

    /** Chooses the model for {@code quant} ({@code null}: the default order) and its projector. */
    static Choice choose(String repo, List<String> files, String quant) {
        List<String> models = files.stream().filter(GgufFiles::isModel).sorted(PREFERENCE).toList();
        if (models.isEmpty()) {
            throw new HubException(repo + " has no GGUF model file (files: " + summary(files) + ")");
        }
        String model = null;
        String matched = quant;
        if (quant != null) {
            model = first(models, quant)
                    .orElseThrow(() -> new HubException("no GGUF file in " + repo + " matches quant '" + quant
                            + "' (models: " + summary(models) + ")"));
        } else {
            for (String q : DEFAULT_QUANTS) {
                Optional<String> m = first(models, q);
                if (m.isPresent()) {
                    model = m.get();
                    matched = q;
                    break;
                }
            }
            if (model == null) {
                model = models.getFirst();
            }
        }
        String mmproj = mmproj(files, matched).orElseThrow(() -> new HubException(repo
                + " has no mmproj*.gguf projector, so it is no vision model for mtmd; pass --mmproj FILE"));
        return new Choice(parts(model), mmproj);
    }

    /** The projector: the one with the model's quant, else f16, else any. */
    static Optional<String> mmproj(List<String> files, String quant) {
        List<String> all = files.stream().filter(f -> isGguf(f) && isMmproj(f)).sorted(PREFERENCE).toList();
        if (quant != null) {
            Optional<String> same = first(all, quant);
            if (same.isPresent()) {
                return same;
            }
        }
        return first(all, "f16").or(() -> all.stream().findFirst());
    }

    static boolean hasQuant(String file, String quant) {
        String q = quant.toLowerCase(Locale.ROOT);
        Pattern p = Pattern.compile("(?<![a-z0-9_])" + Pattern.quote(q) + "(?=[./-])");
        return p.matcher(file.toLowerCase(Locale.ROOT)).find();
    }

    /** All parts of a split model ({@code name-00001-of-00003.gguf}), or just the file. */
    static List<String> parts(String file) {
        Matcher m = SHARD.matcher(file);
        if (!m.matches()) {
            return List.of(file);
        }
        int count = Integer.parseInt(m.group(3));
        List<String> parts = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            parts.add("%s-%05d-of-%s.gguf".formatted(m.group(1), i, m.group(3)));
        }
        return List.copyOf(parts);
    }

    private static Optional<String> first(List<String> sorted, String quant) {
        return sorted.stream().filter(f -> hasQuant(f, quant)).findFirst();
    }

    private static boolean isModel(String file) {
        if (!isGguf(file) || isMmproj(file)) {
            return false;
        }
        Matcher m = SHARD.matcher(file);
        return !m.matches() || Integer.parseInt(m.group(2)) == 1; // a split model is named by its first part
    }

    private static boolean isGguf(String file) {
        return file.toLowerCase(Locale.ROOT).endsWith(".gguf");
    }

    private static boolean isMmproj(String file) {
        return basename(file).toLowerCase(Locale.ROOT).contains("mmproj");
    }

    private static String basename(String file) {
        return file.substring(file.lastIndexOf('/') + 1);
    }

    private static String summary(List<String> files) {
        if (files.isEmpty()) {
            return "none";
        }
        int shown = Math.min(files.size(), 12);
        return String.join(", ", files.subList(0, shown)) + (files.size() > shown ? ", ..." : "");
    }
}
