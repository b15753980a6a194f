package io.github.llamapanama.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Base of every class that owns a native object. The object's free function is bound to
 * {@link #arena} ({@code segment.reinterpret(arena, free)}), so closing the arena frees it exactly
 * once. Close is idempotent; use after close throws {@link IllegalStateException}. A
 * {@link Cleaner} closes the arena if the owner is dropped unclosed: a safety net only.
 *
 * <p>Exclusive resources (a context, a sampler) are driven by one thread at a time:
 * {@link #enter()} claims the object for the calling thread, and a second thread that tries
 * while it is claimed gets an {@link IllegalStateException} rather than a native data race.
 */
public abstract class NativeResource implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "llama-panama-cleaner");
        t.setDaemon(true);
        return t;
    });

    protected final Arena arena = Arena.ofShared();
    private final String kind;
    private final Cleaner.Cleanable cleanable;
    private final AtomicReference<Thread> user = new AtomicReference<>();
    private int depth; // re-entrant claims by the current user; only that thread touches it
    private volatile boolean closed;
    private volatile MemorySegment bound = MemorySegment.NULL;

    protected NativeResource(String kind) {
        this.kind = kind;
        Arena a = arena; // the action must not capture this
        this.cleanable = CLEANER.register(this, () -> {
            if (a.scope().isAlive()) {
                a.close();
            }
        });
    }

    /**
     * Records the native object this resource owns, so that the library's other packages reach it
     * through {@link Handles} while no public method hands it out.
     */
    protected final void bind(MemorySegment object) {
        bound = object;
    }

    /** The bound native object; throws if closed. */
    final MemorySegment bound() {
        ensureOpen();
        return bound;
    }

    /** Throws if closed. Enough for objects that many threads may read at once. */
    protected final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(kind + " is closed");
        }
    }

    /** Claims this object for the calling thread; pair with {@link #exit()} in a finally block. */
    protected final void enter() {
        Thread me = Thread.currentThread();
        Thread owner = user.compareAndExchange(null, me);
        if (owner != null && owner != me) {
            throw new IllegalStateException(kind + " is in use by thread '" + owner.getName()
                    + "'; it may be used by one thread at a time");
        }
        depth++;
        if (closed) {
            exit();
            throw new IllegalStateException(kind + " is closed");
        }
    }

    protected final void exit() {
        if (--depth == 0) {
            user.set(null);
        }
    }

    public final boolean isClosed() {
        return closed;
    }

    /** Runs before the arena closes, while the native object is still valid. */
    protected void beforeFree() {}

    /** Runs once after the native object was freed by {@link #close()}. */
    protected void afterFree() {}

    @Override
    public void close() {
        if (closed) {
            return;
        }
        enter();
        try {
            if (closed) {
                return;
            }
            beforeFree();
            closed = true;
            cleanable.clean();
        } finally {
            exit();
        }
        afterFree();
    }
}
