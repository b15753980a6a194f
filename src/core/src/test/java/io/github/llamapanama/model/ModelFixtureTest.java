package io.github.llamapanama.model;

import io.github.llamapanama.Llama;
import io.github.llamapanama.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFixtureTest {

    @Test
    void metadataAndShapeOfTheTinyModel() {
        try (Model model = Model.load(Fixtures.tinyQwen2())) {
            assertEquals("qwen2", model.metadata().get("general.architecture"));
            assertEquals(256, model.embeddingSize());
            assertEquals(4, model.layerCount());
            assertEquals(4, model.headCount());
            assertEquals(2, model.headCountKv());
            assertEquals(4096, model.contextTrainLength());
            assertTrue(model.parameterCount() > 0);
            assertTrue(model.size() > 0);
            assertTrue(model.description().startsWith("qwen2"), model.description());
            assertTrue(model.chatTemplate().orElseThrow().contains("<|im_start|>"));
            Vocab v = model.vocab();
            assertEquals("<|im_end|>", v.tokenToPiece(v.eos(), true));
            assertEquals(v.eos(), v.eot());
            assertTrue(v.isEndOfGeneration(v.eos()));
            assertFalse(v.isEndOfGeneration(v.tokenize("hello", false, false)[0]));
            assertFalse(v.addsBos());
            assertArrayEquals(new int[] {v.tokenize("<|im_start|>", false, true)[0]}, v.tokenize("<|im_start|>", false, true));
        }
    }

    @Test
    void theProgressListenerSeesTheLoadAndCanCancelIt() {
        List<Float> seen = new ArrayList<>();
        try (Model model = Model.load(Fixtures.tinyQwen2(), ModelParams.builder().progress(f -> seen.add(f) || true).build())) {
            assertFalse(seen.isEmpty());
            assertEquals(1.0f, seen.getLast());
        }
        AtomicInteger calls = new AtomicInteger();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Model.load(Fixtures.tinyQwen2(),
                ModelParams.builder().progress(f -> calls.incrementAndGet() < 1).build()));
        assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
        // A listener that throws cancels too, and never unwinds into native code.
        assertThrows(ModelLoadException.class, () -> Model.load(Fixtures.tinyQwen2(),
                ModelParams.builder().progress(f -> { throw new IllegalStateException("boom"); }).build()));
    }

    @Test
    void llamaCppLogReachesSystemLoggerOnlyAtTheConfiguredLevel() {
        Logger jul = Logger.getLogger("io.github.llamapanama.native");
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override public void publish(LogRecord r) { synchronized (records) { records.add(r); } }
            @Override public void flush() { }
            @Override public void close() { }
        };
        jul.addHandler(handler);
        java.util.logging.Level before = jul.getLevel();
        jul.setLevel(java.util.logging.Level.ALL);
        try {
            Llama.setLogLevel(Level.ERROR);
            Model.load(Fixtures.tinyQwen2()).close();
            assertTrue(records.isEmpty(), "quiet by default: " + records.size() + " records");
            Llama.setLogLevel(Level.INFO);
            Model.load(Fixtures.tinyQwen2()).close();
            assertTrue(records.stream().anyMatch(r -> r.getMessage().contains("llama_model_loader")),
                    "info lines from the loader");
            assertTrue(records.stream().noneMatch(r -> r.getMessage().endsWith("\n")), "whole lines, without newline");
        } finally {
            Llama.setLogLevel(Level.ERROR);
            jul.removeHandler(handler);
            jul.setLevel(before);
        }
    }

    @Test
    void contextCreationErrorsCarryLlamaCppsReason() {
        try (Model model = Model.load(Fixtures.tinyQwen2())) {
            assertThrows(IllegalArgumentException.class,
                    () -> model.newContext(ContextParams.builder().maxSequences(100_000).build()));
            assertThrows(IllegalArgumentException.class, () -> model.newContext(ContextParams.builder().contextSize(3).build()));
        }
    }

    @Test
    void decodeRefusesBadBatchesBeforeLlamaCpp() {
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Context ctx = model.newContext(ContextParams.builder().contextSize(64).batchSize(16).build());
             Batch batch = ctx.newBatch();
             Batch big = Batch.ofTokens(ctx.batchSize() + 1, 1)) {
            assertThrows(IllegalArgumentException.class, () -> ctx.decode(batch), "empty");
            batch.add(model.vocab().size(), 0, 0, true);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ctx.decode(batch));
            assertTrue(e.getMessage().contains("outside the vocabulary"), e.getMessage());
            batch.clear().add(1, 0, 3, true);
            e = assertThrows(IllegalArgumentException.class, () -> ctx.decode(batch));
            assertTrue(e.getMessage().contains("sequence 3"), e.getMessage());
            for (int i = 0; i <= ctx.batchSize(); i++) { // llama.cpp may raise a small n_batch
                big.add(1, i, 0, false);
            }
            e = assertThrows(IllegalArgumentException.class, () -> ctx.decode(big));
            assertTrue(e.getMessage().contains("exceeds n_batch " + ctx.batchSize()), e.getMessage());
            batch.clear().add(1, 0, 0, false).add(2, 1, 0, true);
            ctx.decode(batch);
            e = assertThrows(IllegalArgumentException.class, () -> ctx.logits(0));
            assertTrue(e.getMessage().contains("no logits"), e.getMessage());
        }
    }

    @Test
    void cancelAbortsTheDecodeInsideLlamaCppAndIsThenCleared() throws Exception {
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Context ctx = model.newContext(ContextParams.builder().contextSize(64).build());
             Batch batch = ctx.newBatch()) {
            batch.add(1, 0, 0, true);
            ctx.cancel(); // llama.cpp reads the flag between graph nodes: the decode stops at the first
            assertTrue(ctx.isCancelRequested());
            java.util.concurrent.CancellationException e = assertThrows(
                    java.util.concurrent.CancellationException.class, () -> ctx.decode(batch));
            assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
            assertFalse(ctx.isCancelRequested(), "a cancel is used up by the decode it stopped");
            Thread other = Thread.ofPlatform().start(ctx::cancel); // any thread may cancel
            other.join();
            assertTrue(ctx.isCancelRequested());
            ctx.clearCancel();
            ctx.decode(batch); // and the context still works
            assertEquals(model.vocab().size() * (long) Float.BYTES, ctx.logits(-1).byteSize());
        }
        Context closed;
        try (Model model = Model.load(Fixtures.tinyQwen2())) {
            closed = model.newContext(ContextParams.builder().contextSize(64).build());
            closed.close();
        }
        closed.cancel(); // nothing to abort: neither an error nor a crash
        assertFalse(closed.isCancelRequested());
    }

    @Test
    void logitsAreAZeroCopyViewOfTheVocabulary() {
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Context ctx = model.newContext(ContextParams.builder().contextSize(64).build());
             Batch batch = ctx.newBatch()) {
            batch.add(model.vocab().tokenize("hello", false, false)[0], 0, 0, true);
            ctx.decode(batch);
            var logits = ctx.logits(-1);
            assertEquals((long) model.vocab().size() * Float.BYTES, logits.byteSize());
            assertEquals(logits.address(), ctx.logits(0).address());
        }
    }

    @Test
    void sequenceStateFilesRoundTrip(@TempDir Path dir) {
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Context ctx = model.newContext(ContextParams.builder().contextSize(128).maxSequences(2).build());
             Batch batch = ctx.newBatch()) {
            int[] tokens = model.vocab().tokenize("Once upon a time", false, false);
            for (int i = 0; i < tokens.length; i++) {
                batch.add(tokens[i], i, 0, i == tokens.length - 1);
            }
            ctx.decode(batch);
            Path file = dir.resolve("seq0.bin");
            ctx.saveSequenceState(file, 0, tokens);
            assertArrayEquals(tokens, ctx.loadSequenceState(file, 1));
            assertEquals(tokens.length - 1, ctx.kvCache().maxPosition(1));
            assertThrows(io.github.llamapanama.LlamaException.class, () -> ctx.loadState(dir.resolve("absent.bin")));
        }
    }
}
