package io.github.llamapanama.vision;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectorTest {
    private static Model model;
    private static Projector projector;

    @BeforeAll
    static void load() {
        model = Model.load(Fixtures.tinyQwen2());
        projector = Projector.load(Fixtures.tinyInternVlMmproj(), model);
    }

    @AfterAll
    static void close() {
        projector.close();
        model.close();
    }

    @Test
    void reportsWhatItSupports() {
        assertTrue(projector.supportsVision());
        assertFalse(projector.supportsAudio());
        assertEquals(-1, projector.audioSampleRate());
        assertEquals("<__media__>", projector.mediaMarker());
        assertFalse(projector.usesMrope());
    }

    @Test
    void anImagePromptBecomesTextImageTextChunksWrappedInImgTags() {
        try (Bitmap image = Bitmap.read(projector, TestData.file("test-1.jpeg"));
             InputChunks chunks = projector.tokenize("<|im_start|>user\n<__media__>\nDescribe it.<|im_end|>\n",
                     List.of(image), true)) {
            assertEquals(640, image.width());
            assertEquals(488, image.height());
            List<Chunk> all = chunks.chunks();
            assertEquals(3, all.size(), all.toString());
            assertEquals(ChunkType.TEXT, all.get(0).type());
            assertEquals(ChunkType.IMAGE, all.get(1).type());
            assertEquals(Fixtures.imageTokens(), all.get(1).tokens());
            assertEquals(ChunkType.TEXT, all.get(2).type());
            String first = model.vocab().detokenize(all.get(0).textTokens(), false, true);
            String last = model.vocab().detokenize(all.get(2).textTokens(), false, true);
            assertTrue(first.endsWith("<img>"), first);
            assertTrue(last.startsWith("</img>"), last);
            assertEquals(all.stream().mapToInt(Chunk::tokens).sum(), chunks.tokenCount());
        }
    }

    @Test
    void evaluatingChunksAdvancesThePositionAndTimesTheEncoder() {
        try (Context ctx = model.newContext(ContextParams.builder().contextSize(1024).build());
             Bitmap image = Bitmap.read(projector, TestData.file("test-1.jpeg"));
             InputChunks chunks = projector.tokenize("Look: <__media__> ok", List.of(image), true)) {
            Projector.Evaluation e = projector.evaluate(ctx, chunks, 0, 0);
            assertEquals(chunks.positionCount(), e.position());
            assertEquals(1, e.mediaItems());
            assertTrue(e.encodeMillis() > 0);
            assertEquals(e.position() - 1, ctx.kvCache().maxPosition(0));
            assertEquals(model.vocab().size() * 4L, ctx.logits(-1).byteSize());
        }
    }

    @Test
    void markersAndImagesMustMatch() {
        try (Bitmap image = Bitmap.read(projector, TestData.file("test-1.jpeg"))) {
            VisionException e = assertThrows(VisionException.class,
                    () -> projector.tokenize("no marker here", List.of(image), true));
            assertTrue(e.getMessage().contains("0 media marker(s)"), e.getMessage());
            e = assertThrows(VisionException.class,
                    () -> projector.tokenize("<__media__> and <__media__>", List.of(image), true));
            assertTrue(e.getMessage().contains("2 media marker(s)"), e.getMessage());
        }
    }

    @Test
    void imageTokensBeyondTheContextAreRefused() {
        try (Context ctx = model.newContext(ContextParams.builder().contextSize(128).build());
             Bitmap image = Bitmap.read(projector, TestData.file("test-1.jpeg"));
             InputChunks chunks = projector.tokenize("<__media__>", List.of(image), true)) {
            var e = assertThrows(io.github.llamapanama.model.ContextFullException.class,
                    () -> projector.evaluate(ctx, chunks, 0, 0));
            assertTrue(e.getMessage().contains("context holds 128"), e.getMessage());
        }
    }

    @Test
    void aProjectorForAnotherModelIsRefusedInJava() {
        try (Model other = Model.load(Fixtures.internVl3Shape(io.github.llamapanama.fixtures.QuantFormat.Q4_K_M))) {
            VisionException e = assertThrows(VisionException.class, () -> Projector.load(Fixtures.tinyInternVlMmproj(), other));
            assertTrue(e.getMessage().contains("n_embd is 896"), e.getMessage());
        }
        VisionException e = assertThrows(VisionException.class, () -> Projector.load(Fixtures.tinyQwen2(), model));
        assertTrue(e.getMessage().contains("not a projector"), e.getMessage());
    }
}
