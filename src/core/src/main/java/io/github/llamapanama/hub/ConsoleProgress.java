package io.github.llamapanama.hub;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.time.Duration;

/** A me.tongfei progress bar on stderr, one per transfer, in MiB. */
final class ConsoleProgress implements DownloadListener {
    private static final long MIB = 1 << 20;
    private ProgressBar bar;

    @Override
    public void started(HfRepo repo, String filename, long totalBytes, long resumedFrom) {
        close();
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(filename)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUnit("MiB", MIB)
                .setUpdateIntervalMillis(250)
                .showSpeed()
                // -1 makes the bar indefinite: it shows the count without a percentage
                .setInitialMax(totalBytes < 0 ? -1 : totalBytes);
        if (resumedFrom > 0) {
            b.startsFrom(resumedFrom, Duration.ZERO);
        }
        bar = b.build();
    }

    @Override
    public void progress(long bytesOnDisk) {
        if (bar != null) {
            bar.stepTo(bytesOnDisk);
        }
    }

    @Override
    public void finished(boolean complete) {
        close();
    }

    private void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
