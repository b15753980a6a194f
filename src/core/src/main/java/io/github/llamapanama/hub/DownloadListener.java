package io.github.llamapanama.hub;

/**
 * Observes file transfers; called on the downloading thread. Files served from the cache cause no
 * calls. A transfer that is retried after an interruption starts again with {@link #started}.
 */
public interface DownloadListener {
    /** Ignores everything. */
    DownloadListener NONE = new DownloadListener() {};

    /**
     * A transfer begins.
     *
     * @param totalBytes  the file's size, or -1 when the hub did not say
     * @param resumedFrom bytes already on disk from an earlier, interrupted attempt
     */
    default void started(HfRepo repo, String filename, long totalBytes, long resumedFrom) {}

    /** Bytes of the file now on disk (including any resumed part). */
    default void progress(long bytesOnDisk) {}

    /** The transfer ended: {@code complete} when the whole file arrived, false on failure. */
    default void finished(boolean complete) {}

    /**
     * A progress bar on stderr when the process runs in a terminal and {@code
     * HF_HUB_DISABLE_PROGRESS_BARS} is not set and me.tongfei:progressbar (an optional
     * dependency) is on the classpath, otherwise {@link #NONE}. The bar shows one transfer at a
     * time: give concurrent downloads a listener each.
     */
    static DownloadListener console() {
        java.io.Console console = System.console();
        String disabled = System.getenv("HF_HUB_DISABLE_PROGRESS_BARS");
        boolean interactive = console != null && console.isTerminal();
        return interactive && !HubSettings.isTrue(disabled) && progressBarPresent() ? new ConsoleProgress() : NONE;
    }

    private static boolean progressBarPresent() {
        try {
            Class.forName("me.tongfei.progressbar.ProgressBar", false, DownloadListener.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
