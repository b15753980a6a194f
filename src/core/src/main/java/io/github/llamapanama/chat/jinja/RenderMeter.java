package io.github.llamapanama.chat.jinja;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * The budget of the render running on this thread: Jinjava calls {@link #checkCurrent} before
 * every node it renders and {@link #counted} for every loop it starts. The first overrun (or
 * forbidden tag) is remembered, and every later check throws again, so a template cannot go on
 * where Jinjava catches an exception and carries on (inside a macro call, say).
 */
final class RenderMeter implements AutoCloseable {
    private static final ThreadLocal<RenderMeter> CURRENT = new ThreadLocal<>();

    /** Unwinds the render; the meter holds the reason. */
    static final class Stop extends RuntimeException {
        Stop(String message) {
            super(message, null, false, false);
        }
    }

    private final RenderBudget budget;
    private final long start = System.nanoTime();
    private final long deadline;
    private final RenderMeter previous;
    private long iterations;
    private TemplateException failure;

    private RenderMeter(RenderBudget budget, RenderMeter previous) {
        this.budget = budget;
        this.deadline = start + budget.time().toNanos();
        this.previous = previous;
    }

    /** Starts metering this thread's render; {@link #close} ends it. */
    static RenderMeter start(RenderBudget budget) {
        RenderMeter m = new RenderMeter(budget, CURRENT.get());
        CURRENT.set(m);
        return m;
    }

    @Override
    public void close() {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    /** Why the render was stopped, or null. */
    TemplateException failure() {
        return failure;
    }

    static void checkCurrent() {
        RenderMeter m = CURRENT.get();
        if (m != null) {
            m.check();
        }
    }

    void check() {
        if (failure != null) {
            throw new Stop(failure.getMessage());
        }
        if (System.nanoTime() - deadline > 0) {
            throw fail(new TemplateException("the chat template ran past its render budget of "
                    + budget.time().toMillis() + " ms (" + iterations + " loop iterations so far)",
                    TemplateException.Reason.OVER_BUDGET));
        }
    }

    private void charge(long n) {
        check();
        iterations += n;
        if (iterations > budget.loopIterations()) {
            throw fail(new TemplateException("the chat template ran past its render budget of "
                    + budget.loopIterations() + " loop iterations (nested loops multiply) after "
                    + (System.nanoTime() - start) / 1_000_000 + " ms", TemplateException.Reason.OVER_BUDGET));
        }
    }

    /** Refuses a tag that reaches outside the template. */
    static Stop refuse(String tag) {
        RenderMeter m = CURRENT.get();
        TemplateException e = Sandbox.forbidden(tag, -1);
        return m == null ? new Stop(e.getMessage()) : m.fail(e);
    }

    private Stop fail(TemplateException e) {
        if (failure == null) {
            failure = e;
        }
        return new Stop(failure.getMessage());
    }

    /**
     * The collection a {@code for} loop iterates, charged to the current budget: its length now
     * when it has one, each item as it comes otherwise.
     */
    static Object counted(Object collection) {
        RenderMeter m = CURRENT.get();
        if (m == null || collection == null) {
            return collection;
        }
        if (collection instanceof Collection<?> c) {
            m.charge(c.size());
        } else if (collection instanceof Map<?, ?> map) {
            m.charge(map.size());
        } else if (collection.getClass().isArray()) {
            m.charge(Array.getLength(collection));
        } else if (collection instanceof Iterable<?> it) {
            return (Iterable<Object>) () -> m.counting(it.iterator());
        } else if (collection instanceof Iterator<?> it) {
            return m.counting(it);
        } else {
            m.charge(1);
        }
        return collection;
    }

    private Iterator<Object> counting(Iterator<?> it) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Object next() {
                charge(1);
                return it.next();
            }
        };
    }
}
