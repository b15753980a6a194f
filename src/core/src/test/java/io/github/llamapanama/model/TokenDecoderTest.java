package io.github.llamapanama.model;

import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenDecoderTest {

    @Test
    void charactersSplitAcrossTokensAreNeverEmittedHalf() {
        String text = "naïve café: 日本語テキスト, emoji 🎉🦙 and ünïcödé";
        try (Model model = Model.load(TestData.file("ggml-vocab-gpt-2.gguf"), ModelParams.builder().vocabOnly(true).build())) {
            Vocab vocab = model.vocab();
            int[] tokens = vocab.tokenize(text, false, false);
            TokenDecoder decoder = vocab.newDecoder(false);
            StringBuilder all = new StringBuilder();
            List<String> pieces = new ArrayList<>();
            int heldBack = 0;
            for (int t : tokens) {
                StringBuilder piece = new StringBuilder();
                decoder.append(t, piece);
                if (piece.isEmpty()) {
                    heldBack++;
                }
                pieces.add(piece.toString());
                all.append(piece);
            }
            decoder.flush(all);
            assertTrue(heldBack > 0, "GPT-2 BPE splits some of these characters across tokens");
            for (String p : pieces) {
                assertFalse(p.contains("\uFFFD"), "no replacement characters: " + pieces);
                for (int i = 0; i < p.length(); i++) {
                    char c = p.charAt(i);
                    if (Character.isHighSurrogate(c)) {
                        assertTrue(i + 1 < p.length() && Character.isLowSurrogate(p.charAt(i + 1)), "whole surrogate pair");
                    }
                }
            }
            assertEquals(text, all.toString());
        }
    }

    @Test
    void anUnfinishedCharacterAtTheEndBecomesAReplacementCharacter() {
        try (Model model = Model.load(TestData.file("ggml-vocab-gpt-2.gguf"), ModelParams.builder().vocabOnly(true).build())) {
            Vocab vocab = model.vocab();
            int[] tokens = vocab.tokenize("🎉", false, false);
            assertTrue(tokens.length > 1, "the emoji spans several byte tokens");
            TokenDecoder decoder = vocab.newDecoder(false);
            StringBuilder out = new StringBuilder();
            decoder.append(tokens[0], out);
            assertEquals("", out.toString());
            assertTrue(decoder.hasPending());
            decoder.flush(out);
            assertEquals("\uFFFD", out.toString());
        }
    }
}
