package io.github.llamapanama.soak;

import io.github.llamapanama.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CI-sized soak: 64 clients and 40 slow sockets for 10 s against the tiny fixtures with short
 * header and body limits, a drain at the end, then 20 load/close cycles.
 */
class SoakShortTest {
    @Test
    void shortSoakFailsNoValidRequestAndGivesBackFdsAndThreads() throws Exception {
        Soak.Settings s = new Soak.Settings(Fixtures.tinyQwen2(), Fixtures.tinyInternVlMmproj(), 64,
                Duration.ofSeconds(10), 20, 4, 512, 2, 40, Duration.ofSeconds(2), Duration.ofSeconds(3),
                Duration.ofSeconds(10));
        Soak.Result r = new Soak(s, System.err::println).run();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Soak.print(s, r, new PrintStream(text, true));
        String report = text.toString();
        System.out.print(report);
        // no valid request may be answered with an error; one that is still queued after the
        // client's 5-minute timeout is the scheduler's throughput on a starved machine, reported
        // by the figures rather than failed here (see README, Reliability)
        assertEquals(0, r.failedValid() - r.timedOut(), report);
        assertTrue(r.requests() > 64, report);
        // the slow sockets were closed by the server within their limits (and a second to notice)
        assertTrue(r.slowClosedByServer() >= 40, report);
        assertTrue(r.slowLongestHeldSeconds() < 3 + 2, report);
        // the drain let what was in flight finish (no valid request failed above) well within its grace
        assertTrue(r.drainSeconds() < 10 + 4, report);
        assertTrue(r.sent().keySet().containsAll(java.util.List.of("chat", "stream", "image", "cancel-stream",
                "disconnect", "malformed", "oversized-image")), report);
        // every connection and native thread the soak opened is gone once all is closed
        // (a little slack: the JIT and the HTTP client may keep a thread or a selector)
        assertTrue(r.after().openFds() <= r.before().openFds() + 2, report);
        assertTrue(r.after().threads() <= r.before().threads() + 4, report);
    }
}
