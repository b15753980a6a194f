package io.github.llamapanama.model;

import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelLifecycleTest {
    private static final ModelParams VOCAB_ONLY = ModelParams.builder().vocabOnly(true).build();

    @Test
    void missingFileIsAClearError() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Model.load(Path.of("no/such/model.gguf")));
        assertTrue(e.getMessage().contains("model file not found: no/such/model.gguf"), e.getMessage());
    }

    @Test
    void notAGgufFileIsRefusedBeforeLlamaCpp(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("photo.gguf");
        Files.write(f, Files.readAllBytes(TestData.file("test-1.jpeg")));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Model.load(f));
        assertTrue(e.getMessage().contains("not a valid GGUF file"), e.getMessage());
    }

    @Test
    void truncatedGgufIsAnExceptionWithLlamaCppsReason(@TempDir Path dir) throws Exception {
        byte[] whole = Files.readAllBytes(TestData.file("ggml-vocab-gpt-2.gguf"));
        for (int cut : new int[] {10, 24, 100, 5000, whole.length / 2}) {
            Path f = dir.resolve("cut-" + cut + ".gguf");
            Files.write(f, Arrays.copyOf(whole, cut));
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> Model.load(f, VOCAB_ONLY), "cut at " + cut);
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void vocabOnlyModelReportsItsVocabulary() {
        try (Model model = Model.load(TestData.file("ggml-vocab-gpt-2.gguf"), VOCAB_ONLY)) {
            assertEquals(VocabType.BPE, model.vocab().type());
            assertEquals(50257, model.vocab().size());
            assertEquals("gpt2", model.metadata().get("tokenizer.ggml.model"));
            assertEquals(model.metadata().get("general.architecture"), model.metadata("general.architecture").orElseThrow());
            assertEquals("Hello world", model.vocab().detokenize(model.vocab().tokenize("Hello world", false, false), false, false));
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() {
        Model model = Model.load(TestData.file("ggml-vocab-gpt-2.gguf"), VOCAB_ONLY);
        Vocab vocab = model.vocab();
        model.close();
        model.close();
        assertTrue(model.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> vocab.tokenize("x", false, false));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, model::metadata);
        assertThrows(IllegalStateException.class, model::vocab);
    }

    @Test
    void loadProgressCanCancel() {
        // A vocab-only load reports no progress; cancellation is checked on a full model in the fixture tests.
        ModelParams p = VOCAB_ONLY.toBuilder().progress(f -> true).build();
        try (Model model = Model.load(TestData.file("ggml-vocab-gpt-2.gguf"), p)) {
            assertTrue(model.vocab().size() > 0);
        }
    }

    @Test
    void invalidTokensAreRefusedInJava() {
        try (Model model = Model.load(TestData.file("ggml-vocab-gpt-2.gguf"), VOCAB_ONLY)) {
            assertThrows(IllegalArgumentException.class, () -> model.vocab().tokenToPiece(-5, false));
            assertThrows(IllegalArgumentException.class, () -> model.vocab().tokenToPiece(50257, false));
            assertThrows(IllegalArgumentException.class, () -> model.vocab().detokenize(new int[] {1, 99999}, false, false));
        }
    }

    @Test
    void paramsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> ModelParams.builder().gpuLayers(-2).build());
        assertThrows(IllegalArgumentException.class, () -> ContextParams.builder().batchSize(0).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ContextParams.builder().typeV(KvCacheType.Q8_0).flashAttention(false).build());
        assertTrue(e.getMessage().contains("flashAttention"), e.getMessage());
    }
}
