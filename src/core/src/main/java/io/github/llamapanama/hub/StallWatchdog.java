package io.github.llamapanama.hub;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * Closes a response body when no bytes arrive for a while. The HttpClient's request timeout only
 * covers the wait for the headers; without this a stalled body would block a read forever.
 */
final class StallWatchdog implements AutoCloseable {
    private final Closeable body;
    private final long limitNanos;
    private final Thread thread;
    private volatile long lastNanos = System.nanoTime();
    private volatile boolean stalled;

    StallWatchdog(Closeable body, Duration limit) {
        this.body = body;
        this.limitNanos = limit.toNanos();
        long pollMillis = Math.clamp(limit.toMillis() / 4, 10, 1000);
        this.thread = Thread.ofVirtual().name("hub-stall-watchdog").start(() -> watch(pollMillis));
    }

    /** Records that bytes arrived. */
    void touch() {
        lastNanos = System.nanoTime();
    }

    /** Whether the body was closed for stalling (so a read failure means a stall). */
    boolean stalled() {
        return stalled;
    }

    private void watch(long pollMillis) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(pollMillis);
                if (System.nanoTime() - lastNanos > limitNanos) {
                    stalled = true;
                    body.close(); // unblocks the reader with an IOException
                    return;
                }
            }
        } catch (InterruptedException | IOException e) {
            // stopped by close(), or the body is already gone
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
