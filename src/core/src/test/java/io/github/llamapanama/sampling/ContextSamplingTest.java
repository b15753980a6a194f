package io.github.llamapanama.sampling;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.Vocab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sampling from a real decode (the tiny-qwen2 fixture): the llama_sampler_sample path. */
class ContextSamplingTest {
    private static Model model;
    private static Context context;
    private static int lastEntry;

    @BeforeAll
    static void decodeAPrompt() {
        model = Model.load(Fixtures.tinyQwen2());
        context = model.newContext(ContextParams.builder().contextSize(64).batchSize(16).threads(2).build());
        int[] prompt = model.vocab().tokenize("the cat sat on", false, false);
        try (Batch batch = context.newBatch()) {
            for (int i = 0; i < prompt.length; i++) {
                batch.add(prompt[i], i, 0, i == prompt.length - 1);
            }
            context.decode(batch);
        }
        lastEntry = prompt.length - 1;
    }

    @AfterAll
    static void close() {
        context.close();
        model.close();
    }

    private static float[] lastLogits() {
        return context.logits(-1).toArray(ValueLayout.JAVA_FLOAT);
    }

    @Test
    void greedyFromTheContextIsTheArgmaxOfItsLogits() {
        try (Sampler s = Sampler.builder().greedy().build()) {
            assertEquals(Logits.argmax(lastLogits()), s.sample(context, -1));
            assertEquals(Logits.argmax(lastLogits()), s.sample(context, lastEntry), "by batch entry");
        }
    }

    @Test
    void contextAndSegmentPathsAgree() {
        SamplingParams p = SamplingParams.builder().seed(5).penaltyRepeat(1.2f).build();
        try (Sampler a = Sampler.of(p, model.vocab()); Sampler b = Sampler.of(p, model.vocab())) {
            MemorySegment logits = context.logits(-1);
            for (int i = 0; i < 50; i++) {
                assertEquals(a.sample(context, -1), b.sample(logits));
            }
        }
    }

    @Test
    void aGrammarAlsoWorksOnTheContextPath() {
        Vocab vocab = model.vocab();
        try (Sampler s = Sampler.builder().grammar(vocab, "root ::= [a-z]+", "root").dist(1).build()) {
            for (int i = 0; i < 5; i++) {
                String piece = vocab.tokenToPiece(s.sample(context, -1), false);
                assertTrue(piece.matches("[a-z]+"), piece);
            }
        }
    }

    @Test
    void anOutputWithoutLogitsIsRefused() {
        try (Sampler s = Sampler.builder().greedy().build()) {
            assertThrows(IllegalArgumentException.class, () -> s.sample(context, 0), "entry 0 kept no logits");
            assertThrows(IllegalArgumentException.class, () -> s.sample(context, 40), "past the batch");
        }
    }

    @Test
    void sampleFromTheContextAllocatesNothing() {
        try (Sampler s = Sampler.builder().penalties(64, 1.1f, 0, 0).topK(40).temperature(0.8f).dist(3).build()) {
            double perCall = SamplerAllocationTest.bytesPerCall(() -> s.sample(context, -1));
            System.out.println("sample(Context, int): " + perCall + " bytes/call");
            assertTrue(perCall < SamplerAllocationTest.BOUND_PER_CALL, perCall + " bytes per call");
        }
    }
}
