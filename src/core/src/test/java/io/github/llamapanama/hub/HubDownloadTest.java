package io.github.llamapanama.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.github.llamapanama.hub.HubTests.MODEL;
import static io.github.llamapanama.hub.HubTests.REPO;
import static io.github.llamapanama.hub.HubTests.REPO_ID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class HubDownloadTest {
    @TempDir
    Path dir;
    FakeHub fake;
    byte[] content;
    String sha;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeHub();
        content = TestBytes.of(TestBytes.MODEL_SIZE, 1);
        sha = FakeHub.sha256(content);
        fake.put(REPO_ID, MODEL, content);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void landsInTheHubCacheLayout() throws Exception {
        RecordingListener events = new RecordingListener();
        Path file = HubTests.builder(fake, dir, events).build().download(REPO, MODEL);

        Path repoDir = HubTests.repoDir(dir, REPO_ID);
        assertEquals(repoDir.resolve("snapshots").resolve(FakeHub.COMMIT).resolve(MODEL), file);
        assertTrue(Files.isSymbolicLink(file));
        assertEquals(Path.of("..", "..", "blobs", sha), Files.readSymbolicLink(file));
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(FakeHub.COMMIT, Files.readString(repoDir.resolve("refs").resolve("main")));
        assertFalse(Files.exists(HubTests.incomplete(dir, REPO_ID, sha)));

        List<FakeHub.Request> hub = fake.requests("hub");
        List<FakeHub.Request> cdn = fake.requests("cdn");
        assertEquals(1, hub.size());
        assertEquals("HEAD", hub.getFirst().method());
        assertEquals("/" + REPO_ID + "/resolve/main/" + MODEL, hub.getFirst().path());
        assertEquals(1, cdn.size());
        assertNull(cdn.getFirst().range());

        assertEquals(List.of(new RecordingListener.Start(MODEL, content.length, 0)), events.starts);
        assertEquals(List.of(true), events.finishes);
        assertEquals(content.length, events.lastProgress);
    }

    @Test
    void aCachedFileNeedsNoRequest() throws Exception {
        Path first = HubTests.builder(fake, dir, DownloadListener.NONE).build().download(REPO, MODEL);
        fake.clearRequests();
        RecordingListener events = new RecordingListener();
        HfHub fresh = HubTests.builder(fake, dir, events).build();
        assertEquals(first, fresh.download(REPO, MODEL));
        assertEquals(first, fresh.cached(REPO, MODEL).orElseThrow());
        assertEquals(List.of(), fake.requests());
        assertTrue(events.starts.isEmpty());
    }

    @Test
    void aNewCommitWithTheSameContentReusesTheBlob() throws Exception {
        HubTests.builder(fake, dir, DownloadListener.NONE).build().download(REPO, MODEL);
        String next = "ffffffffffffffffffffffffffffffffffffffff";
        fake.commit = next;
        fake.clearRequests();
        // A commit hash as revision is not in refs, so the hub is asked, but the blob is there.
        Path file = HubTests.builder(fake, dir, DownloadListener.NONE).build().download(REPO.withRevision(next), MODEL);
        assertEquals(HubTests.repoDir(dir, REPO_ID).resolve("snapshots").resolve(next).resolve(MODEL), file);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(1, fake.requests("hub").size());
        assertEquals(List.of(), fake.requests("cdn"));
        assertFalse(Files.exists(HubTests.repoDir(dir, REPO_ID).resolve("refs").resolve(next)));
    }

    @Test
    void smallGitFilesAreNamedByTheirGitHash() throws Exception {
        byte[] json = "{\"architectures\":[\"InternVLChatModel\"]}".getBytes(StandardCharsets.UTF_8);
        fake.putSmall(REPO_ID, "config.json", json);
        Path file = HubTests.builder(fake, dir, DownloadListener.NONE).build().download(REPO, "config.json");
        assertArrayEquals(json, Files.readAllBytes(file));
        assertEquals(Path.of("..", "..", "blobs", FakeHub.gitSha1(json)), Files.readSymbolicLink(file));
        assertEquals(List.of(), fake.requests("cdn"));
    }

    @Test
    void filesInFoldersAndOddNames() throws Exception {
        byte[] small = TestBytes.of(70_000, 2);
        String name = "Q4 K/model part+1.gguf";
        fake.put(REPO_ID, name, small);
        Path file = HubTests.builder(fake, dir, DownloadListener.NONE).build().download(REPO, name);
        assertArrayEquals(small, Files.readAllBytes(file));
        assertEquals(Path.of("..", "..", "..", "blobs", FakeHub.sha256(small)), Files.readSymbolicLink(file));
        assertEquals("/" + REPO_ID + "/resolve/main/" + name, fake.requests("hub").getFirst().path());
    }

    @Test
    void aRenamedRepoIsFollowed() throws Exception {
        fake.rename("old-org/old-name", REPO_ID);
        HfRepo old = new HfRepo("old-org/old-name");
        Path file = HubTests.builder(fake, dir, DownloadListener.NONE).build().download(old, MODEL);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertTrue(file.startsWith(HubTests.repoDir(dir, "old-org/old-name")));
        assertEquals(2, fake.requests("hub").size());
    }

    @Test
    void concurrentDownloadsOfOneFileFetchItOnce() throws Exception {
        HfHub hub = HubTests.builder(fake, dir, DownloadListener.NONE).build();
        Callable<Path> task = () -> hub.download(REPO, MODEL);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> results = pool.invokeAll(List.of(task, task, task, task));
            for (Future<Path> f : results) {
                assertArrayEquals(content, Files.readAllBytes(f.get()));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, fake.requests("cdn").size());
    }
}
