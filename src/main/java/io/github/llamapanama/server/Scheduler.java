package io.github.llamapanama.server;

import io.github.llamapanama.generation.ContinuousBatch;
import io.github.llamapanama.internal.LlamaPanamaNative;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.vision.InputChunks;
import io.github.llamapanama.vision.Projector;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that owns the context: between decode steps it admits waiting jobs into free
 * slots (evaluating their prompts), then decodes one token for every running slot in a single
 * batch. Requests beyond the slots wait in a bounded queue.
 */
final class Scheduler implements AutoCloseable {
    private final Context context;
    private final Projector projector;
    private final ContinuousBatch batch;
    private final BlockingQueue<Job> queue;
    private final Metrics metrics;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int active;

    Scheduler(Context context, Projector projector, int slotContextSize, int queueSize) {
        this.context = context;
        this.projector = projector;
        this.batch = new ContinuousBatch(context, slotContextSize);
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.metrics = new Metrics(queue::size, () -> active, batch.slotCount());
        this.thread = Thread.ofPlatform().name("llama-scheduler").daemon(true).unstarted(this::loop);
    }

    Metrics metrics() {
        return metrics;
    }

    int slotContextSize() {
        return batch.slotContextSize();
    }

    void start() {
        thread.start();
    }

    /** Queues a job; false when the queue is full (or the server is stopping). */
    boolean submit(Job job) {
        return running && queue.offer(job);
    }

    private void loop() {
        try {
            while (running) {
                while (batch.freeSlots() > 0) {
                    Job job = batch.activeSlots() == 0 ? queue.poll(50, TimeUnit.MILLISECONDS) : queue.poll();
                    if (job == null) {
                        break;
                    }
                    admit(job);
                    active = batch.activeSlots();
                }
                if (batch.activeSlots() > 0) {
                    long t0 = System.nanoTime();
                    int n = batch.step();
                    if (n > 0) {
                        metrics.step(n, System.nanoTime() - t0);
                    }
                    if (batch.activeSlots() == 0) {
                        // Idle now: keep no OpenMP team that would slow decoding elsewhere in the JVM.
                        LlamaPanamaNative.releaseComputeThreads();
                    }
                }
                active = batch.activeSlots();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            batch.close(); // running slots end as cancelled
            active = 0;
            for (Job job; (job = queue.poll()) != null; ) {
                job.release();
                job.onError(new IllegalStateException("the server is shutting down"));
            }
        }
    }

    private void admit(Job job) {
        if (job.isCancelled()) {
            job.release();
            return;
        }
        try {
            if (job.prompt.hasMedia()) {
                batch.admit((ctx, seq) -> evaluateMedia(job, ctx, seq), job.takeSampler(), job.params, job);
            } else {
                batch.admit(job.prompt.tokens(), job.takeSampler(), job.params, job);
            }
        } catch (RuntimeException e) {
            job.onError(e);
        } finally {
            job.release(); // images are in the KV cache now (or failed)
        }
    }

    private int evaluateMedia(Job job, Context ctx, int sequence) {
        try (InputChunks chunks = projector.tokenize(job.prompt.text(), job.prompt.images(), true)) {
            if (chunks.positionCount() >= batch.slotContextSize()) {
                throw new io.github.llamapanama.model.ContextFullException("the prompt with its images needs "
                        + chunks.positionCount() + " positions but a slot holds " + batch.slotContextSize());
            }
            return projector.evaluate(ctx, chunks, 0, sequence).position();
        }
    }

    /** Stops the loop; running and waiting jobs end (cancelled or failed). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
