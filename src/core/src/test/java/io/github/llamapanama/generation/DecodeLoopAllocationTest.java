package io.github.llamapanama.generation;

import com.sun.management.ThreadMXBean;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decode-sample loop allocates (next to) nothing on the Java heap per token. */
class DecodeLoopAllocationTest {
    private static final int TOKENS = 400;

    @Test
    void bytesAllocatedPerGeneratedTokenStayNearZero() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().threadId();
        PieceListener ignore = text -> { };
        GenerationParams p = GenerationParams.maxTokens(TOKENS).withStopAtEndOfGeneration(false);
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Context ctx = model.newContext(ContextParams.builder().contextSize(1024).build());
             Sampler sampler = Sampler.builder().topK(40).temperature(0.9f).dist(11).build()) {
            Generator generator = new Generator(ctx, sampler);
            for (int warm = 0; warm < 5; warm++) { // let the JIT compile the loop
                generator.reset();
                generator.generate("Once upon a time", p).forEach(ignore);
            }
            generator.reset();
            Generation g = generator.generate("Once upon a time", p);
            long before = threads.getThreadAllocatedBytes(me);
            GenerationResult r = g.forEach(ignore);
            long allocated = threads.getThreadAllocatedBytes(me) - before;
            assertEquals(TOKENS, r.tokens().length);
            double perToken = (double) allocated / TOKENS;
            System.out.println("decode-sample loop: " + perToken + " bytes/token (" + allocated + " bytes for " + TOKENS + " tokens)");
            // What is left is per generation, not per token: the prompt evaluation and the result.
            assertTrue(perToken < 64, "allocated " + allocated + " bytes for " + TOKENS + " tokens = " + perToken + " per token");
        }
    }
}
