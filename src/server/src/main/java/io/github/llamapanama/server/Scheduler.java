package io.github.llamapanama.server;

import io.github.llamapanama.generation.ContinuousBatch;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.SlotPrompt;
import io.github.llamapanama.Llama;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.vision.Projector;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that owns the context: between steps it admits waiting jobs into free slots
 * (the slot holding the longest prefix of the prompt, which is then not evaluated again), then
 * runs one step of the batch: the next token of every running slot, and a bounded chunk of the
 * prompts being read. Images are encoded on the {@link MediaEncoder}'s thread meanwhile, through
 * the {@link ImageEmbeddingCache}. Requests beyond the slots wait in a bounded queue.
 */
final class Scheduler implements AutoCloseable {
    private final Projector projector;
    private final ContinuousBatch batch;
    private final ImageEmbeddingCache imageCache;
    private final MediaEncoder encoder; // null: text only
    private final MediaPrompts mediaPrompts;
    private final BlockingQueue<Job> queue;
    private final Metrics metrics;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean cut; // the shutdown grace is over: running slots end at the next step
    private final AtomicInteger active = new AtomicInteger(); // admitted, not yet ended: exact before a client hears the end

    Scheduler(Context context, Projector projector, ServerConfig config) {
        this.projector = projector;
        this.batch = new ContinuousBatch(context, config.slotContextSize(), config.prefillChunk(), config.promptCache());
        this.queue = new ArrayBlockingQueue<>(config.queueSize());
        this.thread = Thread.ofPlatform().name("llama-scheduler").daemon(true).unstarted(this::loop);
        this.imageCache = new ImageEmbeddingCache(config.imageCacheMb() << 20);
        this.encoder = projector == null ? null : new MediaEncoder(projector, imageCache, () -> LockSupport.unpark(thread));
        this.mediaPrompts = projector == null ? null
                : new MediaPrompts(projector, encoder, config.slotContextSize(), config.maxTiles());
        this.metrics = new Metrics(queue::size, active::get, batch.slotCount(),
                (long) batch.slotCount() * batch.slotContextSize(), config.modelName());
        metrics.kvTokens(batch::cachedTokens);
        metrics.imageCache = imageCache;
        metrics.encoder = encoder;
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

    /**
     * Queues a job; false when the queue is full (or the server is stopping). Runs on the
     * caller's (HTTP) thread: a prompt with images is tokenized here, each image named by the
     * hash of its pixels; a failure there reaches the job as an error event.
     */
    boolean submit(Job job) {
        if (!running) {
            return false;
        }
        try {
            job.setSlotPrompt(job.prompt.hasMedia() ? mediaPrompt(job) : SlotPrompt.ofTokens(job.prompt.tokens()));
        } catch (RuntimeException e) {
            job.release();
            job.onError(e);
            return true;
        }
        return queue.offer(job);
    }

    private SlotPrompt mediaPrompt(Job job) {
        try {
            return mediaPrompts.build(job.prompt.text(), job.prompt.images());
        } finally {
            job.releaseImages(); // the chunks hold what the encoder needs
        }
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
                }
                if (batch.activeSlots() > 0) {
                    long t0 = System.nanoTime();
                    int n = batch.step();
                    if (n > 0) {
                        metrics.step(n, System.nanoTime() - t0, batch.lastPrefillTokens());
                    } else if (batch.activeSlots() > 0) {
                        LockSupport.parkNanos(20_000_000); // every prompt waits for its images: the encoder wakes us
                    }
                    if (batch.activeSlots() == 0) {
                        // Idle now: close the holes that finished slots left in the KV cache, which
                        // every decode would attend over, and keep no OpenMP team that would slow
                        // decoding elsewhere in the JVM.
                        if (batch.compact()) {
                            metrics.compacted();
                        }
                        Llama.releaseComputeThreads();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            batch.close(); // running slots end as cancelled
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
        active.incrementAndGet();
        job.admitted();
        try {
            batch.admit(job.takeSlotPrompt(), job.takeSampler(), job.params, new SlotListener(job));
        } catch (RuntimeException e) {
            active.decrementAndGet();
            job.onError(e);
        } finally {
            job.release();
        }
    }

    /** Forwards a slot's events to its job, counting the slot out before the job hears its end. */
    private final class SlotListener implements ContinuousBatch.Listener {
        private final Job job;

        SlotListener(Job job) {
            this.job = job;
        }

        @Override
        public void onPiece(String text) {
            job.onPiece(text);
        }

        @Override
        public void onFinish(GenerationResult result) {
            active.decrementAndGet();
            job.onFinish(result);
        }

        @Override
        public void onError(RuntimeException error) {
            active.decrementAndGet();
            job.onError(error);
        }

        @Override
        public boolean isCancelled() {
            return cut || job.isCancelled();
        }

        @Override
        public void onToken(int token, Context context, int logitsIndex) {
            job.onToken(token, context, logitsIndex);
        }
    }

    /**
     * The end of a drain: running slots end at the next step as cancelled (their streams get a last
     * chunk and [DONE]), and jobs still waiting for a slot fail with 503. The loop goes on, so that
     * the ends reach the clients, until {@link #close()}.
     */
    void cut() {
        cut = true;
        running = false; // submit refuses from now on; the loop ends after its step
        for (Job job; (job = queue.poll()) != null; ) {
            job.release();
            job.onError(new IllegalStateException("the server is shutting down"));
        }
    }

    /** Slots admitted and not yet ended. */
    int activeJobs() {
        return active.get();
    }

    /** Stops the loop; running and waiting jobs end (cancelled or failed); then the encoder. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (encoder != null) {
            encoder.close();
        }
    }
}
