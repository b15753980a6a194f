package io.github.llamapanama.generation;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batch's prompt cache (only the new tokens are evaluated, same answer) and chunked prefill. */
class ContinuousBatchCacheTest {
    private static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(Fixtures.tinyQwen2());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Context context(int slots) {
        return model.newContext(ContextParams.builder().contextSize(slots * 512).maxSequences(slots).build());
    }

    private static int[] tokens(String text, boolean bos) {
        return model.vocab().tokenize(text, bos, true);
    }

    private static int[] concat(int[]... parts) {
        int[] all = new int[0];
        for (int[] p : parts) {
            int at = all.length;
            all = Arrays.copyOf(all, at + p.length);
            System.arraycopy(p, 0, all, at, p.length);
        }
        return all;
    }

    /** Records one slot's tokens and result. */
    static final class Recorder implements ContinuousBatch.Listener {
        final List<Integer> tokens = new ArrayList<>();
        GenerationResult result;
        RuntimeException error;

        @Override public void onPiece(String text) { }
        @Override public void onFinish(GenerationResult r) { result = r; }
        @Override public void onError(RuntimeException e) { error = e; }
        @Override public void onToken(int token, Context context, int logitsIndex) { tokens.add(token); }
    }

    private static GenerationResult run(ContinuousBatch batch, int[] prompt, int maxTokens) {
        Recorder r = new Recorder();
        batch.admit(prompt, Sampler.builder().greedy().build(),
                GenerationParams.maxTokens(maxTokens).withStopAtEndOfGeneration(false), r);
        while (r.result == null && r.error == null) {
            batch.step();
        }
        if (r.error != null) {
            throw r.error;
        }
        return r.result;
    }

    @Test
    void aSecondTurnEvaluatesOnlyItsNewTokensAndAnswersAsAWholePromptDoes() {
        int[] turn1 = tokens("Once upon a time there was a little robot who lived in a garden", true);
        int[] turn2;
        GenerationResult cached;
        try (Context ctx = context(2); ContinuousBatch batch = new ContinuousBatch(ctx, 512, 32, true)) {
            GenerationResult first = run(batch, turn1, 12);
            assertEquals(turn1.length, first.stats().promptTokens());
            assertEquals(0, first.stats().cachedTokens());
            // The history as a client resends it: the prompt, the answer, then a new message.
            turn2 = concat(turn1, first.tokens(), tokens(" and the robot said hello to the flowers", false));
            cached = run(batch, turn2, 12);
            int held = turn1.length + first.tokens().length - 1; // the last sampled token was never decoded
            assertEquals(held, cached.stats().cachedTokens());
            assertEquals(turn2.length - held, cached.stats().promptTokens(), "only the new tokens are evaluated");
        }
        try (Context ctx = context(2); ContinuousBatch batch = new ContinuousBatch(ctx, 512, 512, false)) {
            GenerationResult whole = run(batch, turn2, 12);
            assertEquals(turn2.length, whole.stats().promptTokens());
            assertEquals(0, whole.stats().cachedTokens());
            assertArrayEquals(whole.tokens(), cached.tokens(), "greedy answer with the cache = without it");
        }
    }

    @Test
    void idleCompactionClosesTheHolesOfReusedSlotsAndKeepsEveryCachedPrefix() {
        int[] story = tokens("Once upon a time there was a little robot who lived in a garden", true);
        int[] fox = tokens("The quick brown fox jumps over the lazy dog", true);
        int[] storyAgain = concat(story, tokens(" and the robot said hello", false));
        try (Context ctx = context(2); ContinuousBatch batch = new ContinuousBatch(ctx, 512)) {
            assertFalse(batch.compact(), "nothing was removed yet");
            run(batch, story, 8);
            run(batch, fox, 8);
            GenerationResult plain;
            try (Context other = context(2); ContinuousBatch reference = new ContinuousBatch(other, 512)) {
                run(reference, story, 8);
                run(reference, fox, 8);
                run(reference, storyAgain, 8); // drops the story's answer: holes
                plain = run(reference, fox, 8);
            }
            GenerationResult again = run(batch, storyAgain, 8);
            assertTrue(again.stats().cachedTokens() >= story.length, "cached " + again.stats().cachedTokens());
            assertTrue(batch.compact(), "the story's answer was removed: there are holes to close");
            assertFalse(batch.compact(), "closed already");
            GenerationResult fox2 = run(batch, fox, 8);
            assertEquals(fox.length - 1, fox2.stats().cachedTokens(), "the other slot's cache survived the compaction");
            assertArrayEquals(plain.tokens(), fox2.tokens(), "same greedy answer as an uncompacted cache");
            assertTrue(batch.compact(), "fox's answer was trimmed");
            assertEquals(storyAgain.length - 1, run(batch, storyAgain, 2).stats().cachedTokens(),
                    "the compacted slot still holds its whole prompt");
        }
    }

    @Test
    void anIdenticalPromptReEvaluatesOnlyItsLastTokenAndAPromptSharingNothingTakesAnEmptySlot() {
        int[] prompt = tokens("The quick brown fox jumps over the lazy dog", true);
        try (Context ctx = context(2); ContinuousBatch batch = new ContinuousBatch(ctx, 512)) {
            GenerationResult a = run(batch, prompt, 6);
            GenerationResult again = run(batch, prompt, 6);
            assertEquals(1, again.stats().promptTokens());
            assertEquals(prompt.length - 1, again.stats().cachedTokens());
            assertArrayEquals(a.tokens(), again.tokens());
            GenerationResult other = run(batch, tokens("Zebras", false), 3);
            assertEquals(0, other.stats().cachedTokens());
            // the first slot's cache survived the unrelated prompt (it went to the empty slot)
            assertEquals(prompt.length - 1, run(batch, prompt, 2).stats().cachedTokens());
        }
    }

    @Test
    void aLongPromptIsReadInChunksWhileAnotherStreamKeepsProducingTokens() {
        int[] longPrompt = tokens("word ".repeat(200), true);
        assertTrue(longPrompt.length >= 150, "prompt of " + longPrompt.length);
        int budget = 16;
        assertTrue(tokensOfADuringThePrefillOfB(budget, longPrompt) >= longPrompt.length / budget - 1,
                "stream A advanced while B's prompt was read in chunks of " + budget);
        assertTrue(tokensOfADuringThePrefillOfB(512, longPrompt) <= 1, "unchunked, B's prompt takes one step");
    }

    /** Media whose embeddings (zeros) become ready when the test says, as if encoded on another thread. */
    static final class SlowMedia implements PromptMedia {
        volatile boolean ready;
        boolean prepared;
        boolean closed;
        int decoded;

        @Override public String id() { return "slow"; }
        @Override public int tokens() { return 8; }
        @Override public int positions() { return 8; }
        @Override public boolean decodesInParts() { return true; }
        @Override public void prepare() { prepared = true; }
        @Override public boolean ready() { return ready; }
        @Override public void close() { closed = true; }

        @Override
        public void decode(Context context, int sequence, int position, int from, int count, boolean logitsLast) {
            int nEmbd = context.model().embeddingSize();
            try (io.github.llamapanama.model.Batch b = io.github.llamapanama.model.Batch.ofEmbeddings(count, nEmbd, 1)) {
                java.lang.foreign.MemorySegment zeros = java.lang.foreign.MemorySegment.ofArray(new float[nEmbd]);
                for (int i = 0; i < count; i++) {
                    b.addEmbedding(zeros, 0, position + i, sequence, logitsLast && i == count - 1);
                }
                context.decode(b);
            }
            decoded += count;
        }
    }

    @Test
    void aPromptWaitingForItsMediaLetsTheOtherStreamsRunAndIsCachedOnceRead() {
        try (Context ctx = context(2); ContinuousBatch batch = new ContinuousBatch(ctx, 512, 4, true)) {
            Recorder a = new Recorder();
            batch.admit(tokens("Once upon a time", true), Sampler.builder().greedy().build(),
                    GenerationParams.maxTokens(100).withStopAtEndOfGeneration(false), a);
            batch.step();
            SlowMedia media = new SlowMedia();
            int[] before = tokens("Look:", true);
            int[] after = tokens(" what is it?", false);
            Recorder b = new Recorder();
            batch.admit(SlotPrompt.builder().text(before).media(media).text(after).build(), Sampler.builder().greedy().build(),
                    GenerationParams.maxTokens(3).withStopAtEndOfGeneration(false), b);
            assertTrue(media.prepared, "the slot asked for the embeddings at admission");
            int aBefore = a.tokens.size();
            for (int i = 0; i < 5; i++) {
                batch.step();
            }
            assertEquals(aBefore + 5, a.tokens.size(), "A decodes while B waits for its media");
            assertEquals(0, media.decoded);
            assertTrue(b.tokens.isEmpty());
            media.ready = true;
            while (b.result == null) {
                batch.step();
            }
            assertEquals(8, media.decoded, "read in parts of the budget, all of it");
            assertTrue(media.closed, "the batch closes a prompt's media once read");
            assertEquals(before.length + 8 + after.length, b.result.stats().promptTokens());

            // The same prompt again: the slot holds the media by id, nothing is asked of it.
            SlowMedia again = new SlowMedia();
            Recorder c = new Recorder();
            batch.admit(SlotPrompt.builder().text(before).media(again).text(after).build(), Sampler.builder().greedy().build(),
                    GenerationParams.maxTokens(3).withStopAtEndOfGeneration(false), c);
            while (c.result == null) {
                batch.step();
            }
            assertTrue(!again.prepared && again.decoded == 0 && again.closed);
            assertEquals(before.length + 8 + after.length - 1, c.result.stats().cachedTokens());
            assertArrayEquals(b.result.tokens(), c.result.tokens());
        }
    }

    /** Tokens stream A produced between B's admission and B's first token. */
    private static int tokensOfADuringThePrefillOfB(int budget, int[] longPrompt) {
        try (Context ctx = context(2); ContinuousBatch batch = new ContinuousBatch(ctx, 512, budget, false)) {
            Recorder a = new Recorder();
            batch.admit(tokens("Once upon a time", true), Sampler.builder().greedy().build(),
                    GenerationParams.maxTokens(400).withStopAtEndOfGeneration(false), a);
            while (a.tokens.size() < 3) {
                batch.step();
            }
            Recorder b = new Recorder();
            batch.admit(longPrompt, Sampler.builder().greedy().build(), GenerationParams.maxTokens(2), b);
            int atAdmission = a.tokens.size();
            int steps = 0;
            while (b.tokens.isEmpty()) {
                assertTrue(batch.step() > 0);
                steps++;
                assertTrue(steps < 1000);
            }
            assertNotNull(a.tokens);
            return a.tokens.size() - atAdmission;
        }
    }
}
