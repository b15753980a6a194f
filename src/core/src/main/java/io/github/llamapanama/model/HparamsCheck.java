package io.github.llamapanama.model;

import io.github.llamapanama.gguf.CStrings;
import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufValue;
import io.github.llamapanama.gguf.GgufValueType;

import java.util.Optional;
import java.util.Set;

/**
 * Hyperparameters that llama-model.cpp (ea1431b0) asserts on or divides by, checked in Java
 * before llama.cpp sees them: {@code GGML_ASSERT(hparams.n_expert <= LLAMA_MAX_EXPERTS)} and its
 * neighbours, the rope scaling type, and head counts that the attention shapes divide by.
 * Everything else wrong with the hyperparameters is an ordinary load error in llama.cpp (a
 * tensor whose shape does not match them is refused by its loader).
 */
final class HparamsCheck {
    static final int MAX_LAYERS = 512;
    static final int MAX_EXPERTS = 256;
    private static final Set<String> ROPE_SCALING = Set.of("none", "linear", "yarn", "longrope");

    private HparamsCheck() {}

    static void check(GgufFile gguf) {
        Optional<String> arch = gguf.architecture(); // up to a NUL: the name llama.cpp builds keys from
        if (arch.isEmpty()) {
            return;
        }
        String a = arch.get();
        // llama_hparams::n_head(il) aborts for il >= n_layer, and every model reads layer 0
        long layers = scalar(gguf, a + ".block_count", gguf.value(a + ".block_count").isPresent() ? 1 : 0, MAX_LAYERS);
        long experts = scalar(gguf, a + ".expert_count", 0, MAX_EXPERTS);
        long used = scalar(gguf, a + ".expert_used_count", 0, MAX_EXPERTS);
        if (used > experts) {
            throw fail(a + ".expert_used_count", "is " + used + ", more than " + a + ".expert_count (" + experts + ")");
        }
        if (experts > 0 && used == 0) {
            throw fail(a + ".expert_used_count", "must be at least 1 when the model has experts");
        }
        gguf.value(a + ".rope.scaling.type").ifPresent(v -> {
            // read with gguf_get_val_str into a std::string: up to a NUL; anything else is
            // LLAMA_ROPE_SCALING_TYPE_UNSPECIFIED, which llama-model.cpp asserts against
            String read = v.isArray() || v.type() != GgufValueType.STRING ? null : CStrings.cut(v.asString());
            if (read == null || !ROPE_SCALING.contains(read)) {
                throw fail(a + ".rope.scaling.type", "is " + (read == null ? v.toString() : "'" + CStrings.printable(read, 40)
                        + "'" + (read.equals(v.asString()) ? "" : " as llama.cpp reads it, up to a NUL byte"))
                        + ", expected one of " + ROPE_SCALING);
            }
        });
        // ggml_norm and ggml_rms_norm assert eps >= 0 when the graph runs (NaN fails it too)
        for (String k : new String[] {a + ".attention.layer_norm_epsilon", a + ".attention.layer_norm_rms_epsilon"}) {
            checkEpsilon(gguf, k);
        }
        long embd = scalar(gguf, a + ".embedding_length", 0, Integer.MAX_VALUE);
        long[] heads = perLayer(gguf, a + ".attention.head_count", layers);
        long[] kvHeads = perLayer(gguf, a + ".attention.head_count_kv", layers);
        boolean explicitHeadSize = gguf.value(a + ".attention.key_length").isPresent();
        for (int il = 0; heads != null && il < heads.length; il++) {
            long h = heads[il];
            if (h < 0 || h > Integer.MAX_VALUE) {
                throw fail(a + ".attention.head_count", "is " + h + " for layer " + il);
            }
            if (h > 0 && !explicitHeadSize && embd % h != 0) {
                throw fail(a + ".attention.head_count", "is " + h + ", which does not divide the embedding length "
                        + embd);
            }
            long kv = kvHeads == null ? h : kvHeads[Math.min(il, kvHeads.length - 1)];
            if (h > 0 && (kv < 0 || kv > h || (kv > 0 && h % kv != 0))) {
                throw fail(a + ".attention.head_count_kv", "is " + kv + " for layer " + il
                        + ": it must divide the head count " + h);
            }
        }
    }

    /** A norm epsilon, when present as a number: finite and not negative. */
    static void checkEpsilon(GgufFile gguf, String key) {
        gguf.value(key).ifPresent(v -> {
            if (v.isArray() || !(v.type().isFloat() || v.type().isInteger())) {
                return; // llama.cpp's typed getter refuses a wrong type itself
            }
            double eps = v.asDouble();
            if (!(eps >= 0) || Double.isInfinite(eps)) {
                throw fail(key, "is " + eps + ", expected a finite value >= 0 (ggml's norms assert on it)");
            }
        });
    }

    /** An integer key in [min, max], or 0 when absent. */
    private static long scalar(GgufFile gguf, String key, long min, long max) {
        Optional<GgufValue> v = gguf.value(key);
        if (v.isEmpty() || v.get().isArray() || !v.get().type().isInteger()) {
            return 0; // llama.cpp's typed getter refuses a wrong type itself
        }
        long x = v.get().asLong();
        if (x < min || x > max) {
            throw fail(key, "is " + x + ", expected " + min + " to " + max);
        }
        return x;
    }

    /** A scalar or per-layer array (get_key_or_arr), or null when absent or mistyped. */
    private static long[] perLayer(GgufFile gguf, String key, long layers) {
        Optional<GgufValue> v = gguf.value(key);
        if (v.isEmpty()) {
            return null;
        }
        GgufValue g = v.get();
        if (g.isArray()) {
            if (!g.elementType().isInteger()) {
                return null;
            }
            if (g.size() > MAX_LAYERS) {
                throw fail(key, "has " + g.size() + " elements, more than " + MAX_LAYERS + " layers");
            }
            if (g.size() != layers) {
                return null; // llama.cpp refuses a length that is not the layer count
            }
            return g.asLongs();
        }
        return g.type().isInteger() ? new long[] {g.asLong()} : null;
    }

    private static ModelLoadException fail(String key, String why) {
        return new ModelLoadException("invalid hyperparameter: '" + key + "' " + why);
    }
}
