package io.github.llamapanama.spark;

import io.github.llamapanama.generation.ContinuousBatch;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.sampling.Sampler;
import org.apache.spark.sql.Row;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The rows of one partition answered as parallel sequences of one context with continuous
 * batching: a row joins as soon as a sequence is free, each step decodes the next token of every
 * running row in one batch, and rows leave in input order. At most {@code rowsInFlight} rows are
 * held at once (their inputs read, media decoded only when they are admitted), so memory stays
 * bounded however large the partition. The context is borrowed from the executor's pool when
 * the first row arrives and returned when the partition ends or the task does.
 */
final class GenerationPartition implements Iterator<Row> {

    /** One row's work: admits its prompt into a free sequence (may throw: the row fails). */
    @FunctionalInterface
    interface Work {
        void admit(ContinuousBatch batch, Sampler sampler, GenerationParams params, ContinuousBatch.Listener listener);
    }

    /** Reads a row's inputs; may throw for a row that cannot be answered. */
    @FunctionalInterface
    interface Preparer {
        Work prepare(Row row);
    }

    private final class Pending implements ContinuousBatch.Listener {
        final Row row;
        final long number;
        Work work;
        Row output;
        RuntimeException fatal;

        Pending(Row row, long number) {
            this.row = row;
            this.number = number;
        }

        @Override
        public void onPiece(String text) {}

        @Override
        public void onFinish(GenerationResult result) {
            output = Outputs.generated(row, result, settings.answerTokens());
        }

        @Override
        public void onError(RuntimeException error) {
            fail(this, error);
        }
    }

    private final Iterator<Row> input;
    private final Settings settings;
    private final ExecutorModels.Loaded loaded;
    private final Preparer preparer;
    private final GenerationParams params;
    private final ArrayDeque<Pending> window = new ArrayDeque<>();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private long read;
    private ContinuousBatch batch;
    private Runnable end;

    GenerationPartition(Iterator<Row> input, Settings settings, ExecutorModels.Loaded loaded, Preparer preparer) {
        this.input = input;
        this.settings = settings;
        this.loaded = loaded;
        this.preparer = preparer;
        this.params = settings.generationParams();
    }

    @Override
    public boolean hasNext() {
        while (true) {
            Pending head = window.peekFirst();
            if (head != null && head.fatal != null) {
                throw head.fatal instanceof RowFailedException r ? r
                        : new RowFailedException("row " + head.number + " of the partition failed: "
                        + Outputs.reason(head.fatal), head.fatal);
            }
            if (head != null && head.output != null) {
                return true;
            }
            read();
            if (window.isEmpty()) {
                if (end != null) {
                    end.run();
                }
                return false;
            }
            admit();
            head = window.peekFirst();
            if (head.output == null && head.fatal == null) {
                if (batch.activeSlots() == 0) {
                    throw new IllegalStateException("row " + head.number + " is neither running nor waiting");
                }
                TaskScope.checkKilled();
                batch.step();
            }
        }
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return window.pollFirst().output;
    }

    private void read() {
        while (window.size() < settings.rowsInFlight() && input.hasNext()) {
            Pending p = new Pending(input.next(), read++);
            window.addLast(p);
            try {
                p.work = preparer.prepare(p.row);
                waiting.addLast(p);
            } catch (RuntimeException e) {
                fail(p, e);
            }
        }
    }

    private void admit() {
        if (waiting.isEmpty()) {
            return;
        }
        if (batch == null) {
            open();
        }
        while (batch.freeSlots() > 0 && !waiting.isEmpty()) {
            Pending p = waiting.pollFirst();
            Sampler sampler = settings.sampler(loaded.model.vocab());
            try {
                p.work.admit(batch, sampler, params, p);
            } catch (RuntimeException e) {
                sampler.close(); // idempotent: a failed admission has usually closed it already
                fail(p, e);
            }
        }
    }

    private void fail(Pending p, RuntimeException e) {
        if (settings.failOnError()) {
            p.fatal = e;
        } else {
            p.output = Outputs.generationFailed(p.row, Outputs.reason(e), settings.answerTokens());
        }
    }

    private void open() {
        ContextParams cp = settings.contextParams(TaskScope.threads(settings), false);
        Context context = loaded.pool.take(cp, Context.class, () -> loaded.model.newContext(cp));
        ContinuousBatch b;
        try {
            b = new ContinuousBatch(context, settings.contextPerSequence());
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        batch = b;
        end = TaskScope.once(() -> {
            b.close();
            context.kvCache().clear();
            loaded.pool.giveBack(cp, context);
        });
    }
}
