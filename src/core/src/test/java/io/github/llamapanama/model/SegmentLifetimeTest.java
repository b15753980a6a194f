package io.github.llamapanama.model;

import io.github.llamapanama.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every segment the API hands out is bounded by its owner: read after the owner's close, it
 * throws instead of reading freed (and perhaps reused) native memory.
 */
class SegmentLifetimeTest {

    /** Decodes a short prompt, takes a segment from the context, closes it, reads the segment. */
    private static void readAfterClose(ContextParams.Builder params, Function<Context, MemorySegment> segment) {
        try (Model model = Model.load(Fixtures.tinyQwen2())) {
            Context ctx = model.newContext(params.contextSize(64).build());
            int[] tokens = model.vocab().tokenize("a cat", true, false);
            try (Batch batch = Batch.ofTokens(tokens.length, 1)) {
                for (int i = 0; i < tokens.length; i++) {
                    batch.add(tokens[i], i, 0, i == tokens.length - 1);
                }
                ctx.decode(batch);
            }
            MemorySegment s = segment.apply(ctx);
            assertTrue(Float.isFinite(s.getAtIndex(ValueLayout.JAVA_FLOAT, 0)));
            ctx.close();
            assertThrows(IllegalStateException.class, () -> s.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
        }
    }

    @Test
    void logitsThrowAfterTheContextCloses() {
        readAfterClose(ContextParams.builder(), c -> c.logits(-1));
    }

    @Test
    void embeddingsThrowAfterTheContextCloses() {
        readAfterClose(ContextParams.builder().embeddings(true).pooling(PoolingType.NONE), c -> c.embeddings(-1));
    }

    @Test
    void pooledEmbeddingsThrowAfterTheContextCloses() {
        readAfterClose(ContextParams.builder().embeddings(true).pooling(PoolingType.MEAN), c -> c.sequenceEmbeddings(0));
    }
}
