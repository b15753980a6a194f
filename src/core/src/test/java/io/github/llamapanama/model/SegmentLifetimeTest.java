package io.github.llamapanama.model;

import io.github.llamapanama.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every segment the API hands out is bounded by its owner: read after the owner's close, it
 * throws instead of reading freed (and perhaps reused) native memory.
 */
class SegmentLifetimeTest {

    private static void decodeOne(Context ctx, Model model) {
        int[] tokens = model.vocab().tokenize("a cat", true, false);
        try (Batch batch = Batch.ofTokens(tokens.length, 1)) {
            for (int i = 0; i < tokens.length; i++) {
                batch.add(tokens[i], i, 0, i == tokens.length - 1);
            }
            ctx.decode(batch);
        }
    }

    @Test
    void logitsThrowAfterTheContextCloses() {
        try (Model model = Model.load(Fixtures.tinyQwen2())) {
            Context ctx = model.newContext(ContextParams.builder().contextSize(64).build());
            decodeOne(ctx, model);
            MemorySegment logits = ctx.logits(-1);
            assertTrue(Float.isFinite(logits.getAtIndex(ValueLayout.JAVA_FLOAT, 0)));
            ctx.close();
            assertThrows(IllegalStateException.class, () -> logits.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
        }
    }

    @Test
    void embeddingsThrowAfterTheContextCloses() {
        try (Model model = Model.load(Fixtures.tinyQwen2())) {
            Context ctx = model.newContext(ContextParams.builder().contextSize(64).embeddings(true)
                    .pooling(PoolingType.NONE).build());
            decodeOne(ctx, model);
            MemorySegment embedding = ctx.embeddings(-1);
            assertTrue(Float.isFinite(embedding.getAtIndex(ValueLayout.JAVA_FLOAT, 0)));
            ctx.close();
            assertThrows(IllegalStateException.class, () -> embedding.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
        }
    }

    @Test
    void pooledEmbeddingsThrowAfterTheContextCloses() {
        try (Model model = Model.load(Fixtures.tinyQwen2())) {
            Context ctx = model.newContext(ContextParams.builder().contextSize(64).embeddings(true)
                    .pooling(PoolingType.MEAN).build());
            decodeOne(ctx, model);
            MemorySegment pooled = ctx.sequenceEmbeddings(0);
            assertTrue(Float.isFinite(pooled.getAtIndex(ValueLayout.JAVA_FLOAT, 0)));
            ctx.close();
            assertThrows(IllegalStateException.class, () -> pooled.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
        }
    }
}
