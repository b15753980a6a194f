package io.github.llamapanama.gguf;

import java.util.Map;
import java.util.function.BiFunction;

/**
 * Types of the metadata that llama.cpp and mtmd read without checking: gguf_get_val_u32 and
 * friends abort on a type mismatch, and gguf_get_arr_data is read as float* or int32_t* for as
 * many elements as the vocabulary has. A file that breaks these would crash the JVM, so the
 * reader refuses it. Keys that llama_model_loader reads through its checked getters are not
 * listed: a wrong type there is an ordinary load error.
 */
final class KnownKeys {
    private KnownKeys() {}

    private record Rule(GgufValueType type, boolean array, int minLength) {
        static Rule scalar(GgufValueType type) {
            return new Rule(type, false, 0);
        }

        static Rule array(GgufValueType type, int minLength) {
            return new Rule(type, true, minLength);
        }
    }

    /** Array length that must reach the number of tokens. */
    private static final int PER_TOKEN = -1;

    private static final Map<String, Rule> RULES = Map.ofEntries(
            // llama-vocab.cpp
            Map.entry(GgufKeys.TOKENIZER_TOKENS, Rule.array(GgufValueType.STRING, 0)),
            Map.entry(GgufKeys.TOKENIZER_MERGES, Rule.array(GgufValueType.STRING, 0)),
            Map.entry(GgufKeys.TOKENIZER_SCORES, Rule.array(GgufValueType.FLOAT32, PER_TOKEN)),
            Map.entry(GgufKeys.TOKENIZER_TOKEN_TYPE, Rule.array(GgufValueType.INT32, PER_TOKEN)),
            // clip.cpp (mtmd): gguf_get_val_* and gguf_get_arr_data without type checks
            Map.entry("general.name", Rule.scalar(GgufValueType.STRING)),
            Map.entry("general.description", Rule.scalar(GgufValueType.STRING)),
            Map.entry("clip.projector_type", Rule.scalar(GgufValueType.STRING)),
            Map.entry("clip.has_vision_encoder", Rule.scalar(GgufValueType.BOOL)),
            Map.entry("clip.has_audio_encoder", Rule.scalar(GgufValueType.BOOL)),
            Map.entry("clip.use_gelu", Rule.scalar(GgufValueType.BOOL)),
            Map.entry("clip.use_silu", Rule.scalar(GgufValueType.BOOL)),
            Map.entry("clip.minicpmv_version", Rule.scalar(GgufValueType.INT32)),
            Map.entry("clip.vision.image_size", Rule.scalar(GgufValueType.UINT32)),
            Map.entry("clip.vision.patch_size", Rule.scalar(GgufValueType.UINT32)),
            Map.entry("clip.vision.image_crop_resolution", Rule.scalar(GgufValueType.UINT32)),
            Map.entry("clip.vision.projector.scale_factor", Rule.scalar(GgufValueType.UINT32)),
            Map.entry("clip.vision.spatial_merge_size", Rule.scalar(GgufValueType.UINT32)),
            Map.entry("clip.vision.n_wa_pattern", Rule.scalar(GgufValueType.UINT32)),
            Map.entry("clip.vision.mm_patch_merge_type", Rule.scalar(GgufValueType.STRING)),
            Map.entry("clip.vision.image_mean", Rule.array(GgufValueType.FLOAT32, 3)),
            Map.entry("clip.vision.image_std", Rule.array(GgufValueType.FLOAT32, 3)),
            Map.entry("clip.vision.image_grid_pinpoints", Rule.array(GgufValueType.INT32, 0)),
            Map.entry("clip.vision.feature_layer", Rule.array(GgufValueType.INT32, 0)),
            Map.entry("clip.audio.num_mel_bins", Rule.scalar(GgufValueType.UINT32)),
            Map.entry("clip.audio.projector.stack_factor", Rule.scalar(GgufValueType.UINT32)));

    private static final String[] CLIP_PARTS = {"vision", "audio"};
    private static final String[] CLIP_U32 = {"embedding_length", "feed_forward_length", "block_count",
            "projection_dim", "attention.head_count"};

    static void check(Map<String, GgufValue> metadata, BiFunction<String, String, GgufFormatException> fail) {
        GgufValue tokens = metadata.get(GgufKeys.TOKENIZER_TOKENS);
        int nTokens = tokens != null && tokens.isArray() ? tokens.size() : 0;
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            Rule rule = rule(e.getKey());
            if (rule == null) {
                continue;
            }
            GgufValue v = e.getValue();
            if (v.isArray() != rule.array || v.elementType() != rule.type) {
                throw fail.apply(e.getKey(), "must be " + (rule.array ? "an array of " : GgufReader.article(rule.type)) + rule.type
                        + ", not " + GgufReader.describe(v));
            }
            int min = rule.minLength == PER_TOKEN ? nTokens : rule.minLength;
            if (rule.array && v.size() < min) {
                throw fail.apply(e.getKey(), "has " + v.size() + " elements, expected at least " + min
                        + (rule.minLength == PER_TOKEN ? " (one per token)" : ""));
            }
        }
        GgufValue charsmap = metadata.get(GgufKeys.TOKENIZER_PRECOMPILED_CHARSMAP);
        if (charsmap != null && (!charsmap.isArray() || charsmap.elementType().size() != 1
                || charsmap.elementType() == GgufValueType.BOOL)) {
            throw fail.apply(GgufKeys.TOKENIZER_PRECOMPILED_CHARSMAP,
                    "must be an array of INT8 or UINT8, not " + GgufReader.describe(charsmap));
        }
    }

    private static Rule rule(String key) {
        Rule r = RULES.get(key);
        if (r != null || !key.startsWith("clip.")) {
            return r;
        }
        for (String part : CLIP_PARTS) {
            for (String k : CLIP_U32) {
                if (key.equals("clip." + part + "." + k)) {
                    return Rule.scalar(GgufValueType.UINT32);
                }
            }
            if (key.equals("clip." + part + ".attention.layer_norm_epsilon")) {
                return Rule.scalar(GgufValueType.FLOAT32);
            }
        }
        return null;
    }
}
