package io.github.llamapanama.spark;

import io.github.llamapanama.Llama;
import org.apache.spark.TaskContext;

import java.util.concurrent.atomic.AtomicBoolean;

/** The Spark task a partition runs in: its cpus, its end, its kill flag. */
final class TaskScope {
    private TaskScope() {}

    /** Threads for this task's context: the setting, else {@code spark.task.cpus}, else 1 outside a task. */
    static int threads(Settings settings) {
        if (settings.threads() > 0) {
            return settings.threads();
        }
        TaskContext task = TaskContext.get();
        return task == null ? 1 : Math.max(1, task.cpus());
    }

    /** Throws Spark's TaskKilledException if the task was killed (a cancelled job, a speculative copy). */
    static void checkKilled() {
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.killTaskIfInterrupted();
        }
    }

    /**
     * Runs {@code end} once: when the partition's output is exhausted, or when the task ends
     * (failed, killed, or its output not read to the end), whichever comes first. Both happen on
     * the task's thread, which then frees its OpenMP team: Spark's task threads live on in the
     * executor's pool, and an idle team on one of them slows the threads that decode next.
     */
    static Runnable once(Runnable end) {
        AtomicBoolean done = new AtomicBoolean();
        Runnable r = () -> {
            if (done.compareAndSet(false, true)) {
                try {
                    end.run();
                } finally {
                    Llama.releaseComputeThreads();
                }
            }
        };
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) t -> r.run());
        }
        return r;
    }
}
