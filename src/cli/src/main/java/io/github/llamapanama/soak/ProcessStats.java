package io.github.llamapanama.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * This process as the operating system sees it (Linux /proc; -1 elsewhere): resident memory,
 * open file descriptors and threads (Java and native alike).
 *
 * @param rssBytes resident set size
 * @param openFds  open file descriptors
 * @param threads  operating-system threads
 */
public record ProcessStats(long rssBytes, int openFds, int threads) {

    public static ProcessStats now() {
        return new ProcessStats(rss(), count(Path.of("/proc/self/fd")), count(Path.of("/proc/self/task")));
    }

    static long rss() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String l : lines) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return -1;
    }

    private static int count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public double rssMiB() {
        return rssBytes / (1024.0 * 1024.0);
    }
}
