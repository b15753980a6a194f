package io.github.llamapanama.hub;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records listener calls for assertions. */
final class RecordingListener implements DownloadListener {
    record Start(String filename, long total, long resumedFrom) {}

    final List<Start> starts = new CopyOnWriteArrayList<>();
    final List<Boolean> finishes = new CopyOnWriteArrayList<>();
    volatile long lastProgress = -1;

    @Override
    public void started(HfRepo repo, String filename, long totalBytes, long resumedFrom) {
        starts.add(new Start(filename, totalBytes, resumedFrom));
    }

    @Override
    public void progress(long bytesOnDisk) {
        lastProgress = bytesOnDisk;
    }

    @Override
    public void finished(boolean complete) {
        finishes.add(complete);
    }
}
