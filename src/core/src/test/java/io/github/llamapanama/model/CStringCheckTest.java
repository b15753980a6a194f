package io.github.llamapanama.model;

import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufValue;
import io.github.llamapanama.gguf.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vocabulary and hyperparameter checks read GGUF strings as llama.cpp does (C strings, up to
 * the first NUL byte; compared as bytes), so that what they let through is what llama.cpp sees.
 */
class CStringCheckTest {
    @TempDir
    Path dir;

    /** A gpt2 vocabulary of 16 tokens (llama.cpp's default bos/eos for gpt2 is 11). */
    private static List<String> tokens() {
        List<String> t = new ArrayList<>(List.of("a", "b", "ab", "\u0120", "\u0120a", "c", "d", "e"));
        for (int i = t.size(); i < 16; i++) {
            t.add("t" + i);
        }
        return t;
    }

    private GgufFile file(String name, List<String> tokens, List<String> merges, Map<String, GgufValue> more)
            throws IOException {
        GgufWriter w = new GgufWriter();
        w.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
        more.forEach(w::put);
        w.put("tokenizer.ggml.tokens", GgufValue.stringArray(tokens));
        w.put("tokenizer.ggml.merges", GgufValue.stringArray(merges));
        Path f = dir.resolve(name + ".gguf");
        w.write(f);
        return GgufFile.open(f);
    }

    private GgufFile vocab(String name, Consumer<List<String>> tokenEdit, List<String> merges) throws IOException {
        List<String> t = tokens();
        tokenEdit.accept(t);
        return file(name, t, merges, Map.of());
    }

    private static InvalidVocabularyException refused(GgufFile f, String... words) {
        try (f) {
            InvalidVocabularyException e = assertThrows(InvalidVocabularyException.class, () -> VocabCheck.check(f));
            for (String w : words) {
                assertTrue(e.getMessage().contains(w), () -> "expected '" + w + "' in: " + e.getMessage());
            }
            return e;
        }
    }

    private static void accepted(GgufFile f) {
        try (f) {
            assertDoesNotThrow(() -> VocabCheck.check(f));
        }
    }

    @Test
    void aTokenWithANulCollidesWithTheTokenOfItsFirstPart() throws IOException {
        // "Ġ\0\0\0\0a" is "Ġ" to llama.cpp: token_to_id comes out one short and load asserts
        InvalidVocabularyException e = refused(vocab("collide", t -> t.set(9, "\u0120\0\0\0\0a"), List.of("a b")),
                "'tokenizer.ggml.tokens'", "tokens 3 and 9", "same text '\u0120'", "up to the first NUL byte",
                "element 9 is '\u0120\\x00\\x00\\x00\\x00a'");
        assertEquals("tokenizer.ggml.tokens", e.key());
        assertEquals(9, e.index().orElseThrow());
        assertEquals("\u0120", e.text());
        // two tokens that differ only after a NUL collide with each other
        refused(vocab("collide2", t -> {
            t.set(9, "zz\0x");
            t.set(12, "zz\0y");
        }, List.of("a b")), "tokens 9 and 12", "same text 'zz'");
    }

    @Test
    void aTokenThatStartsWithNulIsEmptyToLlamaCpp() throws IOException {
        // empty, so renamed [EMPTY_9]: it collides with a token of that text
        InvalidVocabularyException e = refused(vocab("starts", t -> {
            t.set(9, "\0\0\0x");
            t.set(12, "[EMPTY_9]");
        }, List.of("a b")), "tokens 9 and 12", "same text '[EMPTY_9]'");
        assertEquals(12, e.index().orElseThrow());
        // alone it is only an empty token, which llama.cpp loads
        accepted(vocab("starts-alone", t -> t.set(9, "\0\0\0x"), List.of("a b")));
    }

    @Test
    void aNulThatCollidesWithNothingIsLetThrough() throws IOException {
        accepted(vocab("nul-unique", t -> t.set(9, "zz\0\0\0q"), List.of("a b")));
    }

    @Test
    void tokensOfDifferentMalformedBytesAreDifferent() throws IOException {
        // Java decodes 0xFF and 0xFE both to U+FFFD; llama.cpp compares their bytes
        List<String> t = tokens();
        t.set(9, "\u0001X");
        t.set(12, "\u0001Y");
        Path f = dir.resolve("malformed.gguf");
        GgufWriter w = new GgufWriter();
        w.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
        w.put("tokenizer.ggml.tokens", GgufValue.stringArray(t));
        w.put("tokenizer.ggml.merges", GgufValue.stringArray(List.of("a b")));
        w.write(f);
        byte[] b = Files.readAllBytes(f);
        replace(b, new byte[] {1, 'X'}, new byte[] {(byte) 0xFF, (byte) 0xFF});
        replace(b, new byte[] {1, 'Y'}, new byte[] {(byte) 0xFE, (byte) 0xFF});
        Files.write(f, b);
        try (GgufFile g = GgufFile.open(f)) {
            List<String> java = g.value("tokenizer.ggml.tokens").orElseThrow().asStrings();
            assertEquals(java.get(9), java.get(12), "the Java view that the check must not use");
            assertDoesNotThrow(() -> VocabCheck.check(g));
        }
        // the same bytes twice do collide
        replace(b, new byte[] {(byte) 0xFE, (byte) 0xFF}, new byte[] {(byte) 0xFF, (byte) 0xFF});
        Files.write(f, b);
        refused(GgufFile.open(f), "tokens 9 and 12", "same text '\\xff\\xff'");
    }

    private static void replace(byte[] in, byte[] what, byte[] with) {
        for (int i = 0; i + what.length <= in.length; i++) {
            if (java.util.Arrays.equals(in, i, i + what.length, what, 0, what.length)) {
                System.arraycopy(with, 0, in, i, with.length);
                return;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void mergesAreReadUpToTheirFirstNul() throws IOException {
        // "\u0120\0 a" is "\u0120" to llama.cpp: no space, no pair
        InvalidVocabularyException e = refused(vocab("merge-cut", t -> { }, List.of("a b", "\u0120\0 a")),
                "'tokenizer.ggml.merges'", "merge 1 '\u0120'", "the file has '\u0120\\x00 a'",
                "not two tokens separated by a space");
        assertEquals(1, e.index().orElseThrow());
        // "a b\0zz" is "a b" to llama.cpp, a good merge
        accepted(vocab("merge-tail", t -> { }, List.of("a b", "a b\0zz", "\u0120 a")));
        // and a merge may name a token that has a NUL, by the token's first part
        accepted(vocab("merge-token", t -> t.set(9, "zz\0\0q"), List.of("zz a")));
        refused(vocab("merge-token2", t -> t.set(9, "zz\0\0q"), List.of("zz\0\0q a")),
                "merge 0 'zz'", "not two tokens");
    }

    @Test
    void theTokenizerNameIsReadUpToItsFirstNul() throws IOException {
        // llama.cpp reads "gpt2\0x" as gpt2 and uses the merges: so must the check
        GgufWriter w = new GgufWriter();
        w.put("tokenizer.ggml.model", GgufValue.string("gpt2\0x"));
        w.put("tokenizer.ggml.tokens", GgufValue.stringArray(tokens()));
        w.put("tokenizer.ggml.merges", GgufValue.stringArray(List.of("a qq")));
        Path f = dir.resolve("model.gguf");
        w.write(f);
        refused(GgufFile.open(f), "merge 0", "names 'qq', which is not a token");
    }

    private GgufFile hparams(String name, Map<String, GgufValue> kv) throws IOException {
        GgufWriter w = new GgufWriter();
        kv.forEach(w::put);
        Path f = dir.resolve(name + ".gguf");
        w.write(f);
        return GgufFile.open(f);
    }

    @Test
    void theArchitectureAndRopeScalingAreReadUpToTheirFirstNul() throws IOException {
        // llama.cpp reads qwen2.* keys for "qwen2\0junk": the checks must read them too
        try (GgufFile f = hparams("arch", new java.util.LinkedHashMap<>(Map.of(
                "general.architecture", GgufValue.string("qwen2\0junk"),
                "qwen2.expert_count", GgufValue.uint32(100_000))))) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> HparamsCheck.check(f));
            assertTrue(e.getMessage().contains("'qwen2.expert_count'"), e.getMessage());
        }
        try (GgufFile f = hparams("rope-ok", Map.of("general.architecture", GgufValue.string("qwen2"),
                "qwen2.rope.scaling.type", GgufValue.string("yarn\0junk")))) {
            assertDoesNotThrow(() -> HparamsCheck.check(f));
        }
        try (GgufFile f = hparams("rope-empty", Map.of("general.architecture", GgufValue.string("qwen2"),
                "qwen2.rope.scaling.type", GgufValue.string("\0yarn")))) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> HparamsCheck.check(f));
            assertTrue(e.getMessage().contains("is '' as llama.cpp reads it"), e.getMessage());
        }
    }
}
