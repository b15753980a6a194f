package io.github.llamapanama.hub;

import io.github.llamapanama.hub.HubClient.Failure;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches one blob into the cache: bytes go to {@code {blob}.incomplete}, which a later attempt
 * resumes with a Range request, and only a complete file whose SHA-256 matches the hub's ETag is
 * renamed to the blob. A lock file keeps two processes (and a per-path lock two threads) from
 * writing the same blob.
 */
final class Downloader {
    private static final int BUFFER = 1 << 16;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(?:(\\d+)-\\d+|\\*)/(\\d+|\\*)");
    // FileLock is per process: threads of this JVM must also be kept apart.
    private static final Map<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    private final HubClient client;
    private final DownloadListener listener;
    private final Duration readTimeout;
    private final int retries;
    private final Duration retryDelay;

    Downloader(HubClient client, DownloadListener listener, Duration readTimeout, int retries, Duration retryDelay) {
        this.client = client;
        this.listener = listener;
        this.readTimeout = readTimeout;
        this.retries = retries;
        this.retryDelay = retryDelay;
    }

    /** Makes {@code blob} exist with the file's content, downloading it unless it already does. */
    void fetch(HfRepo repo, String filename, FileMetadata meta, Path blob, Path lockFile) throws IOException {
        if (Files.isRegularFile(blob)) {
            return;
        }
        Files.createDirectories(blob.getParent());
        Files.createDirectories(lockFile.getParent());
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(lockFile, p -> new ReentrantLock());
        local.lock();
        try (FileChannel lc = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lc.lock()) {
            if (!Files.isRegularFile(blob)) { // someone else may have finished it while we waited
                fetchLocked(repo, filename, meta, blob);
            }
        } finally {
            local.unlock();
        }
    }

    private void fetchLocked(HfRepo repo, String filename, FileMetadata meta, Path blob) throws IOException {
        Failure what = Failure.file(repo, filename);
        Path part = HubCache.incomplete(blob);
        Sha256 digest = meta.sha256() == null ? null : new Sha256();
        for (int attempt = 0; ; attempt++) {
            try {
                transfer(what, meta, part, digest);
                break;
            } catch (Interrupted e) {
                if (attempt >= retries) {
                    throw client.unavailable(what, e.getMessage()
                            + " (the partial download is kept and resumes next time)", e.getCause());
                }
                pause(retryDelay.multipliedBy(attempt + 1), what);
            }
        }
        long size = Files.size(part);
        if (meta.size() >= 0 && size != meta.size()) {
            Files.deleteIfExists(part);
            throw new HubException(what.subject() + " arrived with " + size + " bytes where the hub announced "
                    + meta.size() + "; the file was deleted, try again");
        }
        if (digest != null) {
            String actual = digest.complete(part, size);
            if (!actual.equals(meta.sha256())) {
                Files.deleteIfExists(part);
                throw new ChecksumMismatchException(what.subject(), meta.sha256(), actual);
            }
        }
        HubCache.move(part, blob);
    }

    /** One attempt: continues {@code part} to the end of the file, or throws {@link Interrupted}. */
    private void transfer(Failure what, FileMetadata meta, Path part, Sha256 digest) throws IOException, Interrupted {
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (meta.size() >= 0 && have > meta.size()) {
            have = 0; // longer than the file: not a prefix of it
        }
        if (meta.size() >= 0 && have == meta.size()) {
            if (have == 0) {
                Files.write(part, new byte[0]);
            }
            return; // an earlier attempt got everything; only the check is left
        }
        if (digest != null) {
            digest.catchUp(part, have); // before the request: hashing a large prefix must not look like a stall
        }
        // Two rounds at most: a resume the server answers unusably falls back to a full download.
        for (int round = 0; round < 2; round++) {
            HttpResponse<InputStream> r = client.open(meta.location(), have, what);
            int status = r.statusCode();
            long[] range = contentRange(r);
            if (status == 416 && have > 0) {
                HubClient.close(r);
                if (range != null && range[1] == have) {
                    return; // the part already holds the whole file
                }
                have = 0;
                continue;
            }
            if (status == 206) {
                if (range == null || range[0] != have) {
                    HubClient.close(r);
                    have = 0;
                    continue;
                }
            } else if (status == 200) {
                have = 0; // the server ignored the Range header: start over
            } else {
                HubClient.close(r);
                throw client.failure(status, r.headers(), what, meta.location());
            }
            long total = meta.size() >= 0 ? meta.size()
                    : status == 206 ? range[1]
                    : r.headers().firstValueAsLong("Content-Length").orElse(-1);
            write(what, r.body(), part, have, total, digest);
            return;
        }
        throw new HubException("the server would not resume or restart " + what.subject());
    }

    private void write(Failure what, InputStream body, Path part, long from, long total, Sha256 digest)
            throws IOException, Interrupted {
        long done = from;
        boolean complete = false;
        try (InputStream in = body;
             FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             StallWatchdog watchdog = new StallWatchdog(in, readTimeout)) {
            out.truncate(from);
            out.position(from);
            if (digest != null) {
                digest.catchUp(part, from); // nothing to do, or a reset when the server restarted at 0
            }
            listener.started(what.repo(), what.filename(), total, from);
            byte[] buffer = new byte[BUFFER];
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    String why = watchdog.stalled() ? "no data for " + seconds(readTimeout)
                            : "connection lost (" + (e.getMessage() != null ? e.getMessage()
                                    : e.getClass().getSimpleName()) + ")";
                    throw new Interrupted(why + " after " + bytes(done) + of(total), e);
                }
                if (n < 0) {
                    break;
                }
                watchdog.touch();
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                if (digest != null) {
                    digest.update(buffer, n);
                }
                done += n;
                listener.progress(done);
            }
            if (total >= 0 && done < total) {
                throw new Interrupted("the transfer ended after " + bytes(done) + of(total), null);
            }
            complete = true;
        } finally {
            listener.finished(complete);
        }
    }

    /** {start, total} of a Content-Range header ({@code bytes 10-99/100} or {@code bytes * /100}), -1 for '*'. */
    private static long[] contentRange(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Range").map(v -> {
            Matcher m = CONTENT_RANGE.matcher(v.strip());
            if (!m.matches()) {
                return null;
            }
            long start = m.group(1) == null ? -1 : Long.parseLong(m.group(1));
            long total = m.group(2).equals("*") ? -1 : Long.parseLong(m.group(2));
            return new long[] {start, total};
        }).orElse(null);
    }

    private static void pause(Duration delay, Failure what) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while trying to " + what.verb(), e);
        }
    }

    private static String of(long total) {
        return total < 0 ? "" : " of " + bytes(total);
    }

    private static String seconds(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1 << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1 << 20));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (double) (1L << 30));
    }

    /** A transfer cut short; the part file is kept for the next attempt. */
    private static final class Interrupted extends Exception {
        Interrupted(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /**
     * SHA-256 of the part file, computed while it is written. Bytes already on disk that it has
     * not seen (an earlier process's attempt) are read back once, so a resumed file is still
     * checked in full.
     */
    private static final class Sha256 {
        private MessageDigest md = newDigest();
        private long count;

        void catchUp(Path part, long size) throws IOException {
            if (size < count) {
                md = newDigest();
                count = 0;
            }
            if (size == count) {
                return;
            }
            try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ)) {
                in.position(count);
                ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
                while (count < size) {
                    buffer.clear().limit((int) Math.min(BUFFER, size - count));
                    int n = in.read(buffer);
                    if (n < 0) {
                        throw new IOException(part + " shrank while being read");
                    }
                    md.update(buffer.flip());
                    count += n;
                }
            }
        }

        void update(byte[] bytes, int n) {
            md.update(bytes, 0, n);
            count += n;
        }

        String complete(Path part, long size) throws IOException {
            catchUp(part, size);
            return HexFormat.of().formatHex(md.digest());
        }

        private static MessageDigest newDigest() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }
    }
}
