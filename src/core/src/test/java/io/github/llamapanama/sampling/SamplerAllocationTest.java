package io.github.llamapanama.sampling;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sampling calls allocate nothing on the Java heap once warmed up: the candidates array is
 * reused from the sampler's arena and the calls are plain downcalls. Bound: under
 * {@value #BOUND_PER_CALL} bytes per call on average (measured: 0), so a stray allocation
 * (a boxed int is 16 bytes, a lambda or segment 24 or more) fails.
 */
class SamplerAllocationTest {
    static final int CALLS = 10_000;
    static final double BOUND_PER_CALL = 1.0;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Bytes allocated by this thread per call of {@code call}, after warm-up. */
    static double bytesPerCall(IntSupplier call) {
        return bytesPerCall(call, CALLS);
    }

    @Test
    void sampleFromArrayAllocatesNothing() {
        float[] l = Logits.random(1000, 1);
        try (Sampler s = Sampler.builder().penalties(64, 1.1f, 0, 0).topK(40).topP(0.95f, 1).minP(0.05f, 1)
                .temperature(0.8f).dist(1).build()) {
            double perCall = bytesPerCall(() -> s.sample(l));
            System.out.println("sample(float[]): " + perCall + " bytes/call");
            assertTrue(perCall < BOUND_PER_CALL, perCall + " bytes per call");
        }
    }

    @Test
    void sampleFromSegmentAllocatesNothing() {
        float[] l = Logits.random(1000, 2);
        try (Arena arena = Arena.ofConfined();
             Sampler s = Sampler.builder().topK(40).temperature(0.8f).dist(2).build()) {
            MemorySegment logits = arena.allocateFrom(ValueLayout.JAVA_FLOAT, l);
            double perCall = bytesPerCall(() -> s.sample(logits));
            System.out.println("sample(MemorySegment): " + perCall + " bytes/call");
            assertTrue(perCall < BOUND_PER_CALL, perCall + " bytes per call");
        }
    }

    @Test
    void acceptAllocatesNothing() {
        try (Sampler s = Sampler.builder().penalties(64, 1.1f, 0, 0).greedy().build()) {
            double perCall = bytesPerCall(() -> {
                s.accept(7);
                return 0;
            });
            System.out.println("accept(int): " + perCall + " bytes/call");
            assertTrue(perCall < BOUND_PER_CALL, perCall + " bytes per call");
        }
    }

    @Test
    void grammarGuardedSamplingAllocatesNothing() {
        // the guarded path (one-candidate grammar checks before accept) over a small vocabulary
        float[] l = Logits.flat(Gpt2Vocab.get().size());
        l[Gpt2Vocab.token("no")] = 1f;
        try (Sampler s = Sampler.builder().topK(5).grammar(Gpt2Vocab.get(), "root ::= \"no\"*", "root").greedy().build()) {
            double perCall = bytesPerCall(() -> s.sample(l), 300);
            System.out.println("sample(float[]) with a grammar: " + perCall + " bytes/call");
            assertTrue(perCall < BOUND_PER_CALL, perCall + " bytes per call");
        }
    }

    static double bytesPerCall(IntSupplier call, int calls) {
        int sink = 0; // let C2 compile the path first
        for (int i = 0; i < 3 * calls; i++) {
            sink += call.getAsInt();
        }
        long tid = Thread.currentThread().threadId();
        long before = THREADS.getThreadAllocatedBytes(tid);
        for (int i = 0; i < calls; i++) {
            sink += call.getAsInt();
        }
        long after = THREADS.getThreadAllocatedBytes(tid);
        if (sink == Integer.MIN_VALUE) {
            System.out.print(""); // keeps sink alive
        }
        return (after - before) / (double) calls;
    }
}
