package io.github.llamapanama.model;

import io.github.llamapanama.gguf.CStrings;
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
 * llama-vocab.cpp reads token texts and merges with {@code gguf_get_arr_str} and the tokenizer's
 * name with {@code gguf_get_val_str}, C strings: texts are compared as the bytes before the first
 * NUL, so {@code "Ġ\0\0y"} collides with {@code "Ġ"} and {@code "\0x"} is empty ({@code [EMPTY_i]}).
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
        // llama.cpp reads the tokenizer's name, token texts and merges as C strings: up to the
        // first NUL byte. Every comparison below is on those bytes (CStrings), not on Java's view.
        String model = gguf.tokenizerModel().orElse("");
        if (tokensValue.isEmpty() || !tokensValue.get().isArray()
                || tokensValue.get().elementType() != GgufValueType.STRING) {
            return; // no vocabulary (llama.cpp refuses or runs vocab-less); the reader checked types
        }
        List<String> tokens = gguf.cStringBytes(GgufKeys.TOKENIZER_TOKENS).orElseThrow();
        int n = tokens.size();
        Map<String, Integer> ids = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            String text = tokens.get(i).isEmpty() ? "[EMPTY_" + i + "]" : tokens.get(i); // as llama.cpp renames it
            Integer before = ids.putIfAbsent(text, i);
            if (before != null) {
                throw fail(GgufKeys.TOKENIZER_TOKENS, i, text, "tokens " + before + " and " + i + " have the same text '"
                        + CStrings.printableBytes(text, 40) + "'" + asRead(tokensValue.get(), before, i)
                        + ": every token text must be unique");
            }
        }
        gguf.value(GgufKeys.TOKENIZER_TOKEN_TYPE).ifPresent(types -> {
            for (int i = 0; i < Math.min(n, types.size()); i++) {
                long t = types.getLong(i);
                if (t < 0 || t > MAX_TOKEN_TYPE) {
                    throw fail(GgufKeys.TOKENIZER_TOKEN_TYPE, i, null, "token " + i + " has type " + t + ", expected 0 to "
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
                    throw fail(key, -1, null, "must be an integer, not " + v.get().type());
                }
                long id = v.get().asLong();
                if (id == -1 || id == 0xFFFFFFFFL) {
                    continue; // "none", as some converters write it
                }
                if (id < 0 || id >= n) {
                    throw fail(key, -1, null, "is " + id + ", outside the vocabulary of " + n + " tokens");
                }
            } else if (defaults.containsKey(name) && defaults.get(name) >= n) {
                throw fail(key, -1, null, "is not set, and llama.cpp's default for a '" + model + "' vocabulary, "
                        + defaults.get(name) + ", lies outside its " + n + " tokens");
            }
        }
        if (model.equals("gpt2")) {
            gguf.value(GgufKeys.TOKENIZER_MERGES).ifPresent(merges -> checkMerges(gguf, merges, ids));
        }
        if (model.equals("llama")) {
            // the SPM tokenizer falls back to <0xNN> tokens for bytes it cannot place and looks
            // them up with token_to_id.at(): a missing one throws out of llama_tokenize
            for (int b = 0; b < 256; b++) {
                String text = String.format("<0x%02X>", b);
                if (!ids.containsKey(text)) {
                    throw fail(GgufKeys.TOKENIZER_TOKENS, -1, null, "a 'llama' (SentencePiece) vocabulary needs the byte token '"
                            + text + "'");
                }
            }
        }
    }

    private static void checkMerges(GgufFile gguf, GgufValue merges, Map<String, Integer> ids) {
        List<String> read = gguf.cStringBytes(GgufKeys.TOKENIZER_MERGES).orElse(List.of());
        for (int i = 0; i < read.size(); i++) {
            String m = read.get(i);
            int space = m.indexOf(' ', 1); // llama-vocab.cpp: word.find(' ', 1)
            if (space < 0) {
                throw fail(GgufKeys.TOKENIZER_MERGES, i, m, "merge " + i + " '" + CStrings.printableBytes(m, 40)
                        + "'" + asRead(merges, i) + " is not two tokens separated by a space");
            }
            String left = m.substring(0, space);
            String right = m.substring(space + 1);
            if (!ids.containsKey(left) || !ids.containsKey(right)) {
                throw fail(GgufKeys.TOKENIZER_MERGES, i, m, "merge " + i + " '" + CStrings.printableBytes(m, 40) + "'"
                        + asRead(merges, i) + " names '" + CStrings.printableBytes(ids.containsKey(left) ? right : left, 40)
                        + "', which is not a token");
            }
        }
    }

    /**
     * For a message: where llama.cpp's view of elements differs from the file's (a NUL inside),
     * what the file holds.
     */
    private static String asRead(GgufValue array, int... elements) {
        StringBuilder sb = new StringBuilder();
        for (int e : elements) {
            String inFile = array.getString(e);
            if (inFile.indexOf('\0') >= 0) {
                sb.append(sb.length() == 0 ? " as llama.cpp reads it, up to the first NUL byte (" : ", ");
                sb.append(elements.length > 1 ? "element " + e + " is '" : "the file has '")
                        .append(CStrings.printable(inFile, 40)).append('\'');
            }
        }
        return sb.length() == 0 ? "" : sb.append(')').toString();
    }

    private static InvalidVocabularyException fail(String key, int index, String bytes, String why) {
        return new InvalidVocabularyException(key, index, bytes == null ? null : CStrings.printableBytes(bytes, 40), why);
    }
}
