package io.github.llamapanama.spark;

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
     * the task's thread.
     */
    static Runnable once(Runnable end) {
        AtomicBoolean done = new AtomicBoolean();
        Runnable r = () -> {
            if (done.compareAndSet(false, true)) {
                try {
                    end.run();
                } finally {
                    ComputeThreads.release();
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
