package io.github.llamapanama.sampling;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Close, use after close, one thread at a time, and independent copies. */
class SamplerLifecycleTest {

    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() {
        Sampler s = Sampler.builder().topK(5).dist(1).build();
        s.close();
        s.close();
        assertTrue(s.isClosed());
        float[] l = Logits.flat(10);
        for (Executable call : List.<Executable>of(() -> s.sample(l), () -> s.accept(1), s::reset, s::copy, s::seed,
                s::stageNames, s::perf, s::resetPerf, () -> s.sample(java.lang.foreign.MemorySegment.ofArray(l)))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void aSecondThreadIsRefusedWhileOneIsInside() throws Exception {
        float[] big = Logits.random(1 << 20, 3); // a full sort per sample keeps the owner inside a while
        try (Sampler s = Sampler.builder().dist(1).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> ownerFailure = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread owner = new Thread(() -> {
                try {
                    started.countDown();
                    while (!stop.get()) {
                        try {
                            s.sample(big);
                        } catch (IllegalStateException busy) {
                            // the other thread got in between two samples: it is refused the same way
                        }
                    }
                } catch (Throwable t) {
                    ownerFailure.set(t);
                }
            });
            owner.start();
            assertTrue(started.await(10, TimeUnit.SECONDS));
            IllegalStateException refused = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (refused == null && System.nanoTime() < deadline) {
                try {
                    s.accept(1);
                } catch (IllegalStateException e) {
                    refused = e;
                }
            }
            stop.set(true);
            owner.join();
            assertNull(ownerFailure.get());
            assertTrue(refused != null && refused.getMessage().contains("one thread at a time"),
                    String.valueOf(refused));
        }
    }

    @Test
    void copyIsIndependentAndContinuesTheSameSequence() {
        float[] l = Logits.random(500, 8);
        Sampler original = Sampler.builder().penalties(32, 1.3f, 0.1f, 0.1f).topK(50).temperature(1.2f).dist(7).build();
        for (int i = 0; i < 20; i++) {
            original.sample(l);
        }
        try (Sampler copy = original.copy()) {
            assertEquals(original.stageNames(), copy.stageNames());
            assertEquals(original.seed(), copy.seed());
            int[] a = new int[100];
            for (int i = 0; i < a.length; i++) {
                a[i] = original.sample(l);
            }
            original.close();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], copy.sample(l), "pick " + i + ": same RNG state and penalty history");
            }
        }
    }

    @Test
    void copiesOfTheSameSeedAgree() {
        float[] l = Logits.flat(64);
        try (Sampler template = Sampler.of(SamplingParams.builder().seed(42).build(), Gpt2Vocab.get());
             Sampler a = template.copy();
             Sampler b = template.copy()) {
            float[] full = Logits.random(Gpt2Vocab.get().size(), 1);
            for (int i = 0; i < 50; i++) {
                assertEquals(a.sample(full), b.sample(full));
            }
            assertEquals(42, a.seed());
        }
        try (Sampler v2 = Sampler.builder().mirostatV2(5, 3, 0.1f).build()) {
            v2.sample(l);
            try (Sampler c = v2.copy()) {
                for (int i = 0; i < 50; i++) {
                    assertEquals(v2.sample(l), c.sample(l), "mirostat-v2 copies mu and the RNG");
                }
            }
        }
    }
}
