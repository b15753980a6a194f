package io.github.llamapanama.model;

import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokenizer parity with the reference (Hugging Face) ids that llama.cpp's own test-tokenizer-0
 * checks, on the vocabulary-only GGUFs of llama.cpp's models/ (TestData): every case, add_special false.
 */
class TokenizerParityTest {

    record Case(String text, int[] ids) {}

    static List<Case> cases(String vocab) throws IOException {
        String raw = Files.readString(TestData.file(vocab + ".inp"), StandardCharsets.UTF_8);
        List<String> out = Files.readAllLines(TestData.file(vocab + ".out"), StandardCharsets.UTF_8);
        String sep = "\n__ggml_vocab_test__\n";
        List<String> inputs = new ArrayList<>();
        int pos = 0;
        while (pos < raw.length()) {
            int next = raw.indexOf(sep, pos);
            if (next < 0) {
                inputs.add(raw.substring(pos));
                break;
            }
            inputs.add(raw.substring(pos, next));
            pos = next + sep.length();
        }
        assertEquals(out.size(), inputs.size(), "inputs and reference lines");
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String ids = out.get(i).strip();
            cases.add(new Case(inputs.get(i), ids.isEmpty() ? new int[0]
                    : Arrays.stream(ids.split(" ")).mapToInt(Integer::parseInt).toArray()));
        }
        return cases;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ggml-vocab-gpt-2.gguf", "ggml-vocab-llama-spm.gguf", "ggml-vocab-bert-bge.gguf"})
    void everyReferenceCaseTokenizesToTheReferenceIds(String vocabFile) throws Exception {
        List<Case> cases = cases(vocabFile);
        try (Model model = Model.load(TestData.file(vocabFile), ModelParams.builder().vocabOnly(true).build())) {
            Vocab vocab = model.vocab();
            for (Case c : cases) {
                assertArrayEquals(c.ids(), vocab.tokenize(c.text(), false, false),
                        vocabFile + ": '" + c.text().replace("\n", "\\n") + "'");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void byteLevelPiecesReassembleEveryInputExactly() throws Exception {
        try (Model model = Model.load(TestData.file("ggml-vocab-gpt-2.gguf"), ModelParams.builder().vocabOnly(true).build())) {
            Vocab vocab = model.vocab();
            for (Case c : cases("ggml-vocab-gpt-2.gguf")) {
                var bytes = new java.io.ByteArrayOutputStream();
                for (int id : c.ids()) {
                    bytes.writeBytes(vocab.tokenBytes(id, false));
                }
                assertEquals(c.text(), bytes.toString(StandardCharsets.UTF_8), "'" + c.text() + "'");
            }
            // llama_detokenize applies the vocabulary's clean-up of spaces before punctuation
            assertEquals("Hello, y'all! How are you?", vocab.detokenize(
                    vocab.tokenize("Hello, y'all! How are you ?", false, false), false, false));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ggml-vocab-gpt-2.gguf"})
    void tokenizingFromManyThreadsAtOnceGivesTheSameIds(String vocabFile) throws Exception {
        List<Case> cases = cases(vocabFile);
        try (Model model = Model.load(TestData.file(vocabFile), ModelParams.builder().vocabOnly(true).build())) {
            var failures = new ConcurrentLinkedQueue<String>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int round = 0; round < 5; round++) {
                        for (Case c : cases) {
                            if (!Arrays.equals(c.ids(), model.vocab().tokenize(c.text(), false, false))) {
                                failures.add(c.text());
                            }
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(failures.isEmpty(), failures.toString());
        }
    }
}
