package io.github.llamapanama.model;

/** Receives model load progress; called on the loading thread. */
@FunctionalInterface
public interface LoadProgressListener {
    /**
     * @param fraction progress from 0 to 1
     * @return true to go on, false to cancel the load ({@link ModelLoadException} follows)
     */
    boolean onProgress(float fraction);
}
