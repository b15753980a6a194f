package io.github.llamapanama.bench;

import com.sun.management.ThreadMXBean;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Counts what a timed run costs the Java heap: bytes the calling thread allocates
 * (com.sun.management.ThreadMXBean) and garbage collections. Reading the byte counter allocates
 * nothing, so it can bracket a hot loop exactly.
 */
final class HeapMeter {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final List<GarbageCollectorMXBean> COLLECTORS = ManagementFactory.getGarbageCollectorMXBeans();
    private static final boolean COUNTS_BYTES = countsBytes();

    private HeapMeter() {}

    private static boolean countsBytes() {
        try {
            if (!THREADS.isThreadAllocatedMemorySupported()) {
                return false;
            }
            THREADS.setThreadAllocatedMemoryEnabled(true);
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /** Bytes the current thread has allocated so far, or -1 when the JVM cannot tell. */
    static long allocatedBytes() {
        return COUNTS_BYTES ? THREADS.getCurrentThreadAllocatedBytes() : -1;
    }

    /** Collections so far, over all collectors. */
    static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : COLLECTORS) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /** Bytes allocated since {@code before} (from {@link #allocatedBytes()}), or -1. */
    static long since(long before) {
        return before < 0 ? -1 : allocatedBytes() - before;
    }
}
