package io.github.llamapanama.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Idle contexts (or embedders) of one model, by their settings: a task borrows one, returns it
 * when it ends, and the next task on that JVM reuses it. At most as many exist as tasks ran at
 * once.
 */
final class ResourcePool {
    private final Map<Object, ArrayDeque<AutoCloseable>> idle = new HashMap<>();
    private boolean closed;

    private synchronized AutoCloseable poll(Object key) {
        if (closed) {
            throw new IllegalStateException("the executor is shutting down");
        }
        ArrayDeque<AutoCloseable> free = idle.get(key);
        return free == null ? null : free.poll();
    }

    /** An idle one made with the same {@code key}, or a new one (made outside the lock). */
    <T extends AutoCloseable> T take(Object key, Class<T> type, Supplier<T> create) {
        AutoCloseable r = poll(key);
        return r != null ? type.cast(r) : create.get();
    }

    synchronized void giveBack(Object key, AutoCloseable resource) {
        if (closed) {
            closeQuietly(resource);
            return;
        }
        idle.computeIfAbsent(key, k -> new ArrayDeque<>()).push(resource);
    }

    synchronized int idleCount() {
        return idle.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    synchronized void closeAll() {
        closed = true;
        List<AutoCloseable> all = new ArrayList<>();
        idle.values().forEach(all::addAll);
        idle.clear();
        all.forEach(ResourcePool::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable r) {
        try {
            r.close();
        } catch (Exception e) {
            // in use or already gone: nothing more to do at shutdown
        }
    }
}
