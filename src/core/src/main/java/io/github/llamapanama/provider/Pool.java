package io.github.llamapanama.provider;

import io.github.llamapanama.LlamaException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.ToIntFunction;

/**
 * A fixed set of exclusive resources (contexts, embedders). A caller waits in arrival order
 * (a fair semaphore) until one is free, then takes the free one that {@code score} likes best;
 * ties go to the one free the longest.
 */
final class Pool<T extends AutoCloseable> implements AutoCloseable {
    private final Semaphore permits;
    private final List<T> all;
    private final List<T> free; // oldest-released first

    Pool(List<T> items) {
        this.all = List.copyOf(items);
        this.free = new ArrayList<>(items);
        this.permits = new Semaphore(items.size(), true);
    }

    T acquire(ToIntFunction<T> score) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlamaException("interrupted while waiting for a free context");
        }
        synchronized (free) {
            int best = 0;
            int bestScore = Integer.MIN_VALUE;
            for (int i = 0; i < free.size(); i++) {
                int s = score.applyAsInt(free.get(i));
                if (s > bestScore) {
                    best = i;
                    bestScore = s;
                }
            }
            return free.remove(best);
        }
    }

    void release(T item) {
        synchronized (free) {
            free.add(item);
        }
        permits.release();
    }

    int size() {
        return all.size();
    }

    /** Closes every item; call when no caller holds one. */
    @Override
    public void close() {
        for (T t : all) {
            try {
                t.close();
            } catch (Exception e) {
                throw new LlamaException("closing a pooled " + t.getClass().getSimpleName() + " failed: " + e, e);
            }
        }
    }
}
