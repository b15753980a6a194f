package io.github.llamapanama.server;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP server's executor, which also bounds how long a client may take to send a request.
 * The JDK's server reads a request's line and headers on the thread it hands to this executor,
 * then calls the handler on the same thread, which reads the body. Each task is watched from the
 * first byte of its request: the headers must be complete within the header limit, then the body
 * within the body limit; a thread past its deadline is interrupted, which closes its channel (a
 * blocking read of an interruptible channel ends so), and the JDK server drops the connection.
 * Once the body is read nothing is timed: answers (streams) take as long as they take.
 */
final class RequestDeadlines implements Executor, AutoCloseable {
    private static final int READING_HEADERS = 0;
    private static final int READING_BODY = 1;
    private static final int HANDLING = 2;
    private static final int TIMED_OUT = 3;
    private static final ThreadLocal<Watch> CURRENT = new ThreadLocal<>();

    private static final class Watch {
        final Thread thread;
        final AtomicInteger phase = new AtomicInteger(READING_HEADERS);
        volatile long deadline;

        Watch(Thread thread, long deadline) {
            this.thread = thread;
            this.deadline = deadline;
        }
    }

    private final long headerNanos;
    private final long bodyNanos;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final Thread ticker;
    private volatile boolean closed;
    final LongAdder headerTimeouts = new LongAdder();
    final LongAdder bodyTimeouts = new LongAdder();

    RequestDeadlines(Duration header, Duration body) {
        this.headerNanos = header.toNanos();
        this.bodyNanos = body.toNanos();
        this.ticker = Thread.ofPlatform().daemon(true).name("llama-http-deadlines").start(this::tick);
    }

    @Override
    public void execute(Runnable task) {
        threads.execute(() -> {
            Watch w = new Watch(Thread.currentThread(), System.nanoTime() + headerNanos);
            CURRENT.set(w);
            watches.add(w);
            try {
                task.run();
            } finally {
                watches.remove(w);
                CURRENT.remove();
            }
        });
    }

    /** The headers are read (the handler runs): the body's deadline starts, or none when there is no body. */
    void headersRead(boolean hasBody) {
        Watch w = CURRENT.get();
        if (w == null) {
            return;
        }
        if (hasBody) {
            w.deadline = System.nanoTime() + bodyNanos;
            w.phase.compareAndSet(READING_HEADERS, READING_BODY);
        } else {
            w.phase.compareAndSet(READING_HEADERS, HANDLING);
        }
    }

    /** The body is read: nothing more is timed. */
    static void bodyRead() {
        Watch w = CURRENT.get();
        if (w != null) {
            w.phase.compareAndSet(READING_BODY, HANDLING);
        }
    }

    /**
     * A drain began: requests still sending their headers or body are not waited for; their
     * connections are closed at the next check.
     */
    void expireReads() {
        long now = System.nanoTime();
        for (Watch w : watches) {
            w.deadline = now;
        }
    }

    /** Whether this thread's request ran past a deadline (its connection is closed). */
    static boolean timedOut() {
        Watch w = CURRENT.get();
        return w != null && w.phase.get() == TIMED_OUT;
    }

    private void tick() {
        while (!closed) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Watch w : watches) {
                int phase = w.phase.get();
                if ((phase == READING_HEADERS || phase == READING_BODY) && now - w.deadline > 0
                        && w.phase.compareAndSet(phase, TIMED_OUT)) {
                    (phase == READING_HEADERS ? headerTimeouts : bodyTimeouts).increment();
                    w.thread.interrupt();
                }
            }
        }
    }

    /** Ends the watch; running tasks are interrupted. */
    @Override
    public void close() {
        closed = true;
        ticker.interrupt();
        threads.shutdownNow();
    }
}
