package io.github.llamapanama.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static io.github.llamapanama.hub.HubTests.MODEL;
import static io.github.llamapanama.hub.HubTests.REPO;
import static io.github.llamapanama.hub.HubTests.REPO_ID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ResumeTest {
    private static final int HALF = 1_500_000;
    @TempDir
    Path dir;
    FakeHub fake;
    byte[] content;
    String sha;
    Path part;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeHub();
        content = TestBytes.of(TestBytes.MODEL_SIZE, 3);
        sha = FakeHub.sha256(content);
        fake.put(REPO_ID, MODEL, content);
        part = HubTests.incomplete(dir, REPO_ID, sha);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private void writePart(int length) throws Exception {
        Files.createDirectories(part.getParent());
        Files.write(part, Arrays.copyOf(content, length));
    }

    private List<String> cdnRanges() {
        return fake.requests("cdn").stream().map(FakeHub.Request::range).toList();
    }

    @Test
    void anIncompleteFileIsResumedWithRange() throws Exception {
        writePart(HALF);
        RecordingListener events = new RecordingListener();
        Path file = HubTests.builder(fake, dir, events).build().download(REPO, MODEL);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(List.of("bytes=" + HALF + "-"), cdnRanges());
        assertEquals(List.of(new RecordingListener.Start(MODEL, content.length, HALF)), events.starts);
        assertFalse(Files.exists(part));
    }

    @Test
    void aServerIgnoringRangeRestartsCleanly() throws Exception {
        writePart(HALF);
        fake.ignoreRange = true;
        RecordingListener events = new RecordingListener();
        Path file = HubTests.builder(fake, dir, events).build().download(REPO, MODEL);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(List.of("bytes=" + HALF + "-"), cdnRanges());
        assertEquals(0, events.starts.getFirst().resumedFrom());
    }

    @Test
    void aCompletePartIsOnlyChecked() throws Exception {
        writePart(content.length);
        Path file = HubTests.builder(fake, dir, DownloadListener.NONE).build().download(REPO, MODEL);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(List.of(), fake.requests("cdn"));
    }

    @Test
    void rangeNotSatisfiableMeansTheSizelessPartIsComplete() throws Exception {
        fake.omitSize = true;
        writePart(content.length);
        Path file = HubTests.builder(fake, dir, DownloadListener.NONE).build().download(REPO, MODEL);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(List.of("bytes=" + content.length + "-"), cdnRanges());
    }

    @Test
    void rangeNotSatisfiableOnAnOverlongPartRestarts() throws Exception {
        fake.omitSize = true;
        Files.createDirectories(part.getParent());
        byte[] longer = Arrays.copyOf(content, content.length + 100);
        Files.write(part, longer);
        Path file = HubTests.builder(fake, dir, DownloadListener.NONE).build().download(REPO, MODEL);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(Arrays.asList("bytes=" + longer.length + "-", null), cdnRanges());
    }

    @Test
    void aCutTransferLeavesAResumablePart() throws Exception {
        fake.cutNextBodyAfter.set(HALF);
        HfHub hub = HubTests.builder(fake, dir, DownloadListener.NONE).build();
        HubUnavailableException e = assertThrows(HubUnavailableException.class, () -> hub.download(REPO, MODEL));
        assertTrue(e.getMessage().contains("resumes next time"), e.getMessage());
        assertTrue(e.getMessage().contains("--model FILE --mmproj FILE"), e.getMessage());
        long kept = Files.size(part);
        assertTrue(kept > 0 && kept <= HALF, "kept " + kept);
        assertFalse(Files.exists(HubTests.blob(dir, REPO_ID, sha)));

        Path file = hub.download(REPO, MODEL);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(Arrays.asList(null, "bytes=" + kept + "-"), cdnRanges());
    }

    @Test
    void retriesResumeWithinOneCall() throws Exception {
        fake.cutNextBodyAfter.set(HALF);
        RecordingListener events = new RecordingListener();
        Path file = HubTests.builder(fake, dir, events).retries(2).build().download(REPO, MODEL);
        assertArrayEquals(content, Files.readAllBytes(file));
        List<String> ranges = cdnRanges();
        assertEquals(2, ranges.size());
        assertNull(ranges.get(0));
        assertTrue(ranges.get(1).startsWith("bytes="), ranges.toString());
        assertEquals(List.of(false, true), events.finishes);
    }

    @Test
    void aStalledTransferTimesOutAndKeepsItsPart() throws Exception {
        fake.stallNextBodyAfter.set(HALF);
        HfHub hub = HubTests.builder(fake, dir, DownloadListener.NONE).readTimeout(Duration.ofMillis(300)).build();
        long t0 = System.nanoTime();
        HubUnavailableException e = assertThrows(HubUnavailableException.class, () -> hub.download(REPO, MODEL));
        assertTrue(System.nanoTime() - t0 < 4_000_000_000L, "the stall was not cut short");
        assertTrue(e.getMessage().contains("no data for"), e.getMessage());
        assertTrue(Files.size(part) > 0);
    }

    @Test
    void aCorruptPartIsCaughtByTheChecksumAndARetrySucceeds() throws Exception {
        byte[] wrong = TestBytes.of(HALF, 99);
        Files.createDirectories(part.getParent());
        Files.write(part, wrong);
        HfHub hub = HubTests.builder(fake, dir, DownloadListener.NONE).build();
        assertThrows(ChecksumMismatchException.class, () -> hub.download(REPO, MODEL));
        assertFalse(Files.exists(part));
        assertArrayEquals(content, Files.readAllBytes(hub.download(REPO, MODEL)));
    }
}
