package io.github.llamapanama.generation;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextFullException;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerationBehaviourTest {
    private static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(Fixtures.tinyQwen2());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Context context(int size) {
        return model.newContext(ContextParams.builder().contextSize(size).build());
    }

    private static Sampler seeded(long seed) {
        return Sampler.builder().topK(40).temperature(1.0f).dist(seed).build();
    }

    private static int[] run(Sampler sampler, String prompt, int n) {
        try (Context ctx = context(256)) {
            return new Generator(ctx, sampler).generate(prompt, GenerationParams.maxTokens(n)
                    .withStopAtEndOfGeneration(false)).finish().tokens();
        }
    }

    @Test
    void theSameSeedGivesTheSameTokensAndAnotherSeedOthers() {
        try (Sampler a = seeded(42); Sampler b = seeded(42); Sampler c = seeded(7)) {
            int[] first = run(a, "Once upon a time", 40);
            assertArrayEquals(first, run(b, "Once upon a time", 40));
            assertFalse(java.util.Arrays.equals(first, run(c, "Once upon a time", 40)));
        }
    }

    @Test
    void iteratorStreamCallbackAndStringAgree() {
        GenerationParams p = GenerationParams.maxTokens(30).withStopAtEndOfGeneration(false);
        List<String> texts = new ArrayList<>();
        try (Sampler s = Sampler.builder().greedy().build()) {
            try (Context ctx = context(128)) {
                StringBuilder sb = new StringBuilder();
                new Generator(ctx, s).generate("Hello", p).forEachRemaining(sb::append);
                texts.add(sb.toString());
            }
            try (Context ctx = context(128)) {
                texts.add(String.join("", new Generator(ctx, s).generate("Hello", p).stream().toList()));
            }
            try (Context ctx = context(128)) {
                StringBuilder sb = new StringBuilder();
                GenerationResult r = new Generator(ctx, s).generate("Hello", p).forEach(sb::append);
                assertEquals(FinishReason.MAX_TOKENS, r.finishReason());
                assertEquals(30, r.tokens().length);
                texts.add(sb.toString());
            }
            try (Context ctx = context(128)) {
                texts.add(new Generator(ctx, s).complete("Hello", p));
            }
        }
        assertFalse(texts.getFirst().isEmpty());
        assertEquals(1, texts.stream().distinct().count(), texts.toString());
    }

    @Test
    void stopStringsAreMatchedAcrossPieceBoundariesAndNeverEmitted() {
        GenerationParams p = GenerationParams.maxTokens(60).withStopAtEndOfGeneration(false);
        List<String> pieces = new ArrayList<>();
        try (Sampler s = Sampler.builder().greedy().build(); Context ctx = context(256)) {
            new Generator(ctx, s).generate("The quick brown fox", p).forEachRemaining(pieces::add);
        }
        // A stop string made of the end of one piece and the start of the next.
        int i = 0;
        while (i < pieces.size() - 1 && (pieces.get(i).length() < 2 || pieces.get(i + 1).length() < 2)) {
            i++;
        }
        assertTrue(i < pieces.size() - 1, "need two multi-char pieces: " + pieces);
        String a = pieces.get(i), b = pieces.get(i + 1);
        String stop = a.substring(a.length() - 2) + b.substring(0, 2);
        String full = String.join("", pieces);
        String expected = full.substring(0, full.indexOf(stop));

        List<String> stopped = new ArrayList<>();
        try (Sampler s = Sampler.builder().greedy().build(); Context ctx = context(256)) {
            Generation g = new Generator(ctx, s).generate("The quick brown fox", p.withStopStrings("never-there", stop));
            g.forEachRemaining(stopped::add);
            assertEquals(FinishReason.STOP_STRING, g.finishReason());
        }
        assertEquals(expected, String.join("", stopped));
        for (String piece : stopped) {
            assertFalse(piece.contains(stop));
        }
    }

    @Test
    void saveAndRestoreGiveAnIdenticalContinuation(@TempDir Path dir) {
        GenerationParams p = GenerationParams.maxTokens(12).withStopAtEndOfGeneration(false);
        try (Sampler s = Sampler.builder().greedy().build()) {
            int[] continuation;
            byte[] state;
            int position;
            int last;
            Path file = dir.resolve("state.bin");
            try (Context ctx = context(256)) {
                Generator g = new Generator(ctx, s);
                int[] first = g.generate("Once upon a time", p).finish().tokens();
                last = first[first.length - 1]; // sampled, not yet decoded
                position = g.position();
                state = ctx.saveState();
                int[] inCache = model.vocab().tokenize("Once upon a time", true, true);
                ctx.saveState(file, inCache);
                continuation = g.generate(new int[] {last}, p).finish().tokens();
            }
            try (Context ctx = context(256)) {
                ctx.loadState(state);
                assertEquals(position - 1, ctx.kvCache().maxPosition(0));
                Generator g = new Generator(ctx, s, 0, position);
                assertArrayEquals(continuation, g.generate(new int[] {last}, p).finish().tokens());
            }
            try (Context ctx = context(256)) {
                int[] tokens = ctx.loadState(file);
                assertArrayEquals(model.vocab().tokenize("Once upon a time", true, true), tokens);
                Generator g = new Generator(ctx, s, 0, position);
                assertArrayEquals(continuation, g.generate(new int[] {last}, p).finish().tokens());
            }
        }
    }

    @Test
    void sequenceStateRoundTripsIntoAnotherSequence() {
        GenerationParams p = GenerationParams.maxTokens(10).withStopAtEndOfGeneration(false);
        try (Sampler s = Sampler.builder().greedy().build();
             Context ctx = model.newContext(ContextParams.builder().contextSize(256).maxSequences(2).build())) {
            Generator g0 = new Generator(ctx, s, 0, 0);
            int[] t = g0.generate("In the beginning", p).finish().tokens();
            byte[] seq = ctx.saveSequenceState(0);
            ctx.loadSequenceState(1, seq);
            assertEquals(ctx.kvCache().maxPosition(0), ctx.kvCache().maxPosition(1));
            int[] a = g0.generate(new int[] {t[t.length - 1]}, p).finish().tokens();
            int[] b = new Generator(ctx, s, 1, g0.position() - a.length).generate(new int[] {t[t.length - 1]}, p)
                    .finish().tokens();
            assertArrayEquals(a, b);
        }
    }

    @Test
    void seqCopyForksTwoContinuations() {
        GenerationParams p = GenerationParams.maxTokens(16).withStopAtEndOfGeneration(false);
        try (Sampler s0 = seeded(1); Sampler s1 = seeded(2); Sampler greedy = Sampler.builder().greedy().build();
             Context ctx = model.newContext(ContextParams.builder().contextSize(256).maxSequences(2).build())) {
            int[] prompt = model.vocab().tokenize("Once upon a time", true, true);
            Generator base = new Generator(ctx, greedy, 0, 0);
            int[] head = base.generate(prompt, GenerationParams.maxTokens(1)).finish().tokens();
            int forkAt = base.position();
            ctx.kvCache().copy(0, 1, -1, -1);
            assertEquals(ctx.kvCache().maxPosition(0), ctx.kvCache().maxPosition(1));
            int[] a = new Generator(ctx, s0, 0, forkAt).generate(head, p).finish().tokens();
            int[] b = new Generator(ctx, s1, 1, forkAt).generate(head, p).finish().tokens();
            assertFalse(java.util.Arrays.equals(a, b), "different samplers fork different continuations");
            // Sequence 1 really holds the shared prefix: greedy from a fresh copy equals greedy on 0.
            ctx.kvCache().remove(1, -1, -1);
            ctx.kvCache().remove(0, forkAt, -1);
            ctx.kvCache().copy(0, 1, -1, -1);
            int[] g0 = new Generator(ctx, greedy, 0, forkAt).generate(head, p).finish().tokens();
            int[] g1 = new Generator(ctx, greedy, 1, forkAt).generate(head, p).finish().tokens();
            assertArrayEquals(g0, g1);
        }
    }

    @Test
    void cancellationFromAnotherThreadStopsALongGeneration() throws Exception {
        try (Sampler s = seeded(3); Context ctx = context(2048)) {
            Generation g = new Generator(ctx, s).generate("Once upon a time",
                    GenerationParams.defaults().withStopAtEndOfGeneration(false));
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<GenerationResult> result = new AtomicReference<>();
            Thread worker = Thread.ofPlatform().start(() -> result.set(g.forEach(piece -> started.countDown())));
            assertTrue(started.await(30, TimeUnit.SECONDS));
            g.cancel();
            worker.join(30_000);
            assertFalse(worker.isAlive());
            assertEquals(FinishReason.CANCELLED, result.get().finishReason());
            assertTrue(result.get().tokens().length < 2000, "stopped early");
            // the context is usable afterwards
            assertFalse(ctx.isCancelRequested());
            assertTrue(new Generator(ctx, s, 0, 0).generate("Hi", GenerationParams.maxTokens(3)).finish().tokens().length > 0
                    || true);
        }
    }

    @Test
    void aPromptLongerThanTheContextIsAClearError() {
        try (Sampler s = Sampler.builder().greedy().build(); Context ctx = context(64)) {
            String longPrompt = "word ".repeat(200);
            ContextFullException e = assertThrows(ContextFullException.class,
                    () -> new Generator(ctx, s).generate(longPrompt, GenerationParams.maxTokens(4)));
            assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
            assertTrue(e.getMessage().contains("64"), e.getMessage());
        }
    }

    @Test
    void generationEndsWhenTheContextIsFull() {
        try (Sampler s = seeded(5); Context ctx = context(64)) {
            GenerationResult r = new Generator(ctx, s).generate("Hello", GenerationParams.defaults()
                    .withStopAtEndOfGeneration(false)).finish();
            assertEquals(FinishReason.CONTEXT_FULL, r.finishReason());
        }
    }

    @Test
    void useAfterCloseDoubleCloseAndCrossThreadUseThrow() throws Exception {
        Context ctx = context(64);
        ctx.acquire();
        AtomicReference<Throwable> other = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                ctx.kvCache().clear();
            } catch (Throwable e) {
                other.set(e);
            }
        });
        t.join();
        ctx.release();
        assertTrue(other.get() instanceof IllegalStateException, String.valueOf(other.get()));
        assertTrue(other.get().getMessage().contains("in use by thread"), other.get().getMessage());
        IllegalStateException busy = assertThrows(IllegalStateException.class, model::close);
        assertTrue(busy.getMessage().contains("open context"), busy.getMessage());
        ctx.close();
        ctx.close();
        assertThrows(IllegalStateException.class, () -> ctx.kvCache().clear());
        assertThrows(IllegalStateException.class, ctx::newBatch);
    }

    @Test
    void statsCountPromptAndGeneratedTokens() {
        try (Sampler s = Sampler.builder().greedy().build(); Context ctx = context(128)) {
            GenerationResult r = new Generator(ctx, s).generate("Once upon a time", GenerationParams.maxTokens(10)
                    .withStopAtEndOfGeneration(false)).finish();
            assertEquals(model.vocab().tokenize("Once upon a time", true, true).length, r.stats().promptTokens());
            assertEquals(10, r.stats().generatedTokens());
            assertTrue(r.stats().generationTokensPerSecond() > 0);
            assertTrue(ctx.perf().generatedTokens() >= 9);
        }
    }
}
