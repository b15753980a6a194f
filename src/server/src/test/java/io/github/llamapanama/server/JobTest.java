package io.github.llamapanama.server;

import io.github.llamapanama.generation.FinishReason;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.GenerationStats;
import io.github.llamapanama.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the scheduler thread hands the HTTP thread: a stream gets every piece as it comes; a whole
 * answer wakes the HTTP thread once, at its end, since a wake-up per token takes a core from the
 * decode's compute threads.
 */
class JobTest {
    private static final GenerationResult RESULT = new GenerationResult("abc", new int[] {1, 2, 3},
            FinishReason.MAX_TOKENS, new GenerationStats(4, 1, 3, 1, 0));

    @Test
    void aStreamGetsEachPieceAsItComes() {
        LinkedBlockingQueue<Job.Event> events = new LinkedBlockingQueue<>();
        Job job = job(true, events);
        job.onPiece("a");
        job.onPiece("b");
        assertEquals(List.of(new Job.Piece(0, "a"), new Job.Piece(0, "b")), new ArrayList<>(events));
        job.onPiece("c");
        job.onFinish(RESULT);
        assertEquals(4, events.size());
        assertInstanceOf(Job.Done.class, List.copyOf(events).get(3));
    }

    @Test
    void aWholeAnswerArrivesOnceWithItsResult() {
        LinkedBlockingQueue<Job.Event> events = new LinkedBlockingQueue<>();
        Job job = job(false, events);
        job.onPiece("a");
        job.onPiece("b");
        job.onPiece("c");
        assertTrue(events.isEmpty(), "nothing wakes the HTTP thread before the answer is whole: " + events);
        job.onFinish(RESULT);
        assertEquals(List.of(new Job.Done(0, RESULT)), new ArrayList<>(events));
    }

    private static Job job(boolean stream, LinkedBlockingQueue<Job.Event> events) {
        GenerationRequest request = new GenerationRequest(SamplingParams.defaults(), GenerationParams.maxTokens(3),
                stream, false, 1, -1);
        return new Job(Job.Prompt.ofTokens(new int[] {1}), null, request, new Metrics(() -> 0, () -> 0, 1), 0, events);
    }
}
