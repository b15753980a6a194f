package io.github.llamapanama.loader;

import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which CPU variant ggml picks on a given CPU, from the sources the natives are built from: the
 * variants and their features as the (patched) ggml/src/CMakeLists.txt defines them, and the
 * weights of ggml_backend_cpu_x86_score in cpu-feats-x86.cpp (a variant built for a feature the CPU
 * lacks scores 0; otherwise 1 plus the weight of each feature it was built for), on the feature
 * sets of real CPUs.
 */
class CpuVariantScoresTest {
    private static final Pattern VARIANT = Pattern.compile("^\\s*ggml_add_cpu_backend_variant\\((\\w+)((?:\\s+\\w+)*)\\)",
            Pattern.MULTILINE);
    private static final Pattern WEIGHT = Pattern.compile(
            "#ifdef GGML_(\\w+)\\n(?:\\s*if \\(!is\\.\\w+\\(\\)\\) \\{ return 0; \\}\\n)+\\s*score \\+= (1(?:<<(\\d+))?);");

    private static final Set<String> HASWELL = Set.of("SSE42", "AVX", "F16C", "AVX2", "BMI2", "FMA");
    private static final Set<String> ZEN4 = union(HASWELL, "AVX512", "AVX512_VBMI", "AVX512_VNNI", "AVX512_BF16");
    private static final Set<String> SAPPHIRE_RAPIDS = union(ZEN4, "AVX_VNNI", "AMX_TILE", "AMX_INT8");
    private static final Set<String> COOPER_LAKE = union(HASWELL, "AVX512", "AVX512_VNNI", "AVX512_BF16");
    private static final Set<String> ICE_LAKE = union(HASWELL, "AVX512", "AVX512_VBMI", "AVX512_VNNI");
    private static final Set<String> ALDER_LAKE = union(HASWELL, "AVX_VNNI");

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> s = new java.util.HashSet<>(base);
        s.addAll(List.of(more));
        return Set.copyOf(s);
    }

    /** Variant name to the features it is built for, in the order the build lists them. */
    private static Map<String, List<String>> variants() throws Exception {
        String cmake = Files.readString(TestData.dir().resolve("ggml/src/CMakeLists.txt"));
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher m = VARIANT.matcher(cmake);
        while (m.find()) {
            if (!m.group(1).equals("tag_name")) {
                out.put(m.group(1), m.group(2).isBlank() ? List.of() : List.of(m.group(2).trim().split("\\s+")));
            }
        }
        return out;
    }

    /** Feature to its weight in the score; features without a check (AMX_TILE) are absent. */
    private static Map<String, Integer> weights() throws Exception {
        String src = Files.readString(TestData.dir().resolve("ggml/src/ggml-cpu/cpu-feats-x86.cpp"));
        Map<String, Integer> out = new LinkedHashMap<>();
        Matcher m = WEIGHT.matcher(src);
        while (m.find()) {
            out.put(m.group(1), m.group(3) == null ? 1 : 1 << Integer.parseInt(m.group(3)));
        }
        return out;
    }

    private static String pick(Set<String> cpu) throws Exception {
        Map<String, Integer> weights = weights();
        String best = null;
        int bestScore = 0;
        for (Map.Entry<String, List<String>> v : variants().entrySet()) {
            int score = 1;
            for (String f : v.getValue()) {
                if (weights.containsKey(f)) {
                    score = cpu.contains(f) && score > 0 ? score + weights.get(f) : 0;
                }
            }
            if (score > bestScore) { // the loader keeps the first of equal scores, as here
                best = v.getKey();
                bestScore = score;
            }
        }
        return best;
    }

    @Test
    void theSourcesDefineTheVariantsAndWeights() throws Exception {
        assertTrue(variants().keySet().containsAll(List.of("x64", "haswell", "icelake", "cooperlake", "zen4",
                "sapphirerapids")), variants().toString());
        assertEquals(1 << 9, weights().get("AVX512_BF16"), weights().toString());
        assertEquals(12, weights().size(), weights().toString());
    }

    @Test
    void eachCpuGetsTheBestVariantItCanRun() throws Exception {
        assertEquals("zen4", pick(ZEN4));
        assertEquals("sapphirerapids", pick(SAPPHIRE_RAPIDS));
        assertEquals("cooperlake", pick(COOPER_LAKE));
        assertEquals("icelake", pick(ICE_LAKE));
        assertEquals("alderlake", pick(ALDER_LAKE));
        assertEquals("haswell", pick(HASWELL));
        assertEquals("x64", pick(Set.of()));
    }
}
