package io.github.llamapanama.model;

import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufKeys;
import io.github.llamapanama.gguf.GgufValue;
import io.github.llamapanama.gguf.GgufValueType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The vocabulary rules llama-vocab.cpp (ea1431b0) asserts on or trusts, checked in Java before
 * llama.cpp sees the file: a file that breaks them would abort the JVM at load
 * ({@code GGML_ASSERT(id_to_token.size() == token_to_id.size())}) or later in tokenizing.
 */
final class VocabCheck {
    /** LLAMA_TOKEN_TYPE_UNDEFINED .. LLAMA_TOKEN_TYPE_BYTE. */
    private static final int MAX_TOKEN_TYPE = 6;

    private static final List<String> SPECIAL_IDS = List.of("bos", "eos", "eot", "eom", "unknown", "seperator",
            "padding", "mask", "fim_pre", "fim_suf", "fim_mid", "fim_pad", "fim_rep", "fim_sep", "prefix", "suffix",
            "middle");

    /** llama.cpp's default special ids per tokenizer model, used when the file sets none. */
    private static final Map<String, Map<String, Integer>> DEFAULTS = Map.of(
            "llama", Map.of("bos", 1, "eos", 2, "unknown", 0),
            "bert", Map.of("bos", 101, "unknown", 100, "seperator", 102, "padding", 0, "mask", 103),
            "gpt2", Map.of("bos", 11, "eos", 11),
            "t5", Map.of("eos", 1, "unknown", 2, "padding", 0),
            "rwkv", Map.of("bos", 0, "eos", 0, "unknown", 0));

    private VocabCheck() {}

    static void check(GgufFile gguf) {
        Optional<GgufValue> tokensValue = gguf.value(GgufKeys.TOKENIZER_TOKENS);
        String model = gguf.string(GgufKeys.TOKENIZER_MODEL).orElse("");
        if (tokensValue.isEmpty() || !tokensValue.get().isArray()
                || tokensValue.get().elementType() != GgufValueType.STRING) {
            return; // no vocabulary (llama.cpp refuses or runs vocab-less); the reader checked types
        }
        List<String> tokens = tokensValue.get().asStrings();
        int n = tokens.size();
        Map<String, Integer> ids = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            String text = tokens.get(i).isEmpty() ? "[EMPTY_" + i + "]" : tokens.get(i); // as llama.cpp renames it
            Integer before = ids.putIfAbsent(text, i);
            if (before != null) {
                throw fail(GgufKeys.TOKENIZER_TOKENS, "tokens " + before + " and " + i + " have the same text '"
                        + printable(text) + "': every token text must be unique");
            }
        }
        gguf.value(GgufKeys.TOKENIZER_TOKEN_TYPE).ifPresent(types -> {
            for (int i = 0; i < Math.min(n, types.size()); i++) {
                long t = types.getLong(i);
                if (t < 0 || t > MAX_TOKEN_TYPE) {
                    throw fail(GgufKeys.TOKENIZER_TOKEN_TYPE, "token " + i + " has type " + t + ", expected 0 to "
                            + MAX_TOKEN_TYPE);
                }
            }
        });
        Map<String, Integer> defaults = DEFAULTS.getOrDefault(model, Map.of());
        for (String name : SPECIAL_IDS) {
            String key = "tokenizer.ggml." + name + "_token_id";
            Optional<GgufValue> v = gguf.value(key);
            if (v.isPresent()) {
                if (v.get().isArray() || !v.get().type().isInteger()) {
                    throw fail(key, "must be an integer, not " + v.get().type());
                }
                long id = v.get().asLong();
                if (id == -1 || id == 0xFFFFFFFFL) {
                    continue; // "none", as some converters write it
                }
                if (id < 0 || id >= n) {
                    throw fail(key, "is " + id + ", outside the vocabulary of " + n + " tokens");
                }
            } else if (defaults.containsKey(name) && defaults.get(name) >= n) {
                throw fail(key, "is not set, and llama.cpp's default for a '" + model + "' vocabulary, "
                        + defaults.get(name) + ", lies outside its " + n + " tokens");
            }
        }
        if (model.equals("gpt2")) {
            gguf.value(GgufKeys.TOKENIZER_MERGES).ifPresent(merges -> checkMerges(merges, ids));
        }
        if (model.equals("llama")) {
            // the SPM tokenizer falls back to <0xNN> tokens for bytes it cannot place and looks
            // them up with token_to_id.at(): a missing one throws out of llama_tokenize
            for (int b = 0; b < 256; b++) {
                String text = String.format("<0x%02X>", b);
                if (!ids.containsKey(text)) {
                    throw fail(GgufKeys.TOKENIZER_TOKENS, "a 'llama' (SentencePiece) vocabulary needs the byte token '"
                            + text + "'");
                }
            }
        }
    }

    private static void checkMerges(GgufValue merges, Map<String, Integer> ids) {
        for (int i = 0; i < merges.size(); i++) {
            String m = merges.getString(i);
            int space = m.indexOf(' ', 1);
            if (space < 0) {
                throw fail(GgufKeys.TOKENIZER_MERGES, "merge " + i + " '" + printable(m)
                        + "' is not two tokens separated by a space");
            }
            String left = m.substring(0, space);
            String right = m.substring(space + 1);
            if (!ids.containsKey(left) || !ids.containsKey(right)) {
                throw fail(GgufKeys.TOKENIZER_MERGES, "merge " + i + " '" + printable(m) + "' names '"
                        + printable(ids.containsKey(left) ? right : left) + "', which is not a token");
            }
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 40; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7F ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }

    private static ModelLoadException fail(String key, String why) {
        return new ModelLoadException("invalid vocabulary: '" + key + "' " + why);
    }
}
