package io.github.llamapanama.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.github.llamapanama.hub.HubTests.MODEL;
import static io.github.llamapanama.hub.HubTests.REPO;
import static io.github.llamapanama.hub.HubTests.REPO_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ChecksumTest {
    @TempDir
    Path dir;
    FakeHub fake;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeHub();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void aBadChecksumDeletesTheFileAndNamesBothHashes() throws Exception {
        byte[] content = TestBytes.of(TestBytes.MODEL_SIZE, 5);
        String actual = FakeHub.sha256(content);
        String announced = FakeHub.sha256(TestBytes.of(16, 6));
        fake.put(REPO_ID, MODEL, content);
        fake.etagOverride = announced;

        HfHub hub = HubTests.builder(fake, dir, DownloadListener.NONE).build();
        ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class, () -> hub.download(REPO, MODEL));
        assertEquals(announced, e.expected());
        assertEquals(actual, e.actual());
        assertTrue(e.getMessage().contains(announced) && e.getMessage().contains(actual), e.getMessage());
        assertTrue(e.getMessage().contains(REPO_ID + "/" + MODEL), e.getMessage());

        assertFalse(Files.exists(HubTests.blob(dir, REPO_ID, announced)));
        assertFalse(Files.exists(HubTests.incomplete(dir, REPO_ID, announced)));
        Path repoDir = HubTests.repoDir(dir, REPO_ID);
        assertFalse(Files.exists(repoDir.resolve("snapshots").resolve(FakeHub.COMMIT).resolve(MODEL)));
        assertFalse(Files.exists(repoDir.resolve("refs").resolve("main")));
        assertTrue(hub.cached(REPO, MODEL).isEmpty());
    }
}
