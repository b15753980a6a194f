package io.github.llamapanama.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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
class AuthAndErrorsTest {
    @TempDir
    Path dir;
    FakeHub fake;
    byte[] content;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeHub();
        content = TestBytes.of(300_000, 11);
        fake.put(REPO_ID, MODEL, content);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void hfTokenGoesToTheHubAsBearerButNotToTheCdn() throws Exception {
        fake.requiredToken = "hf_secret";
        Map<String, String> env = Map.of("HF_TOKEN", "hf_secret", "HF_HOME", dir.toString());
        HfHub hub = HfHub.builder(env).endpoint(fake.endpoint()).cacheDir(dir.resolve("hub"))
                .listener(DownloadListener.NONE).build();
        assertArrayEquals(content, Files.readAllBytes(hub.download(REPO, MODEL)));
        fake.requests("hub").forEach(r -> assertEquals("Bearer hf_secret", r.authorization()));
        fake.requests("cdn").forEach(r -> assertNull(r.authorization()));
        assertFalse(fake.requests("cdn").isEmpty());
    }

    @Test
    void theTokenFileIsReadWhenHfTokenIsUnset() throws Exception {
        Files.writeString(dir.resolve("token"), "hf_from_file\n");
        assertEquals("hf_from_file", HubSettings.token(Map.of("HF_HOME", dir.toString())));
        assertNull(HubSettings.token(Map.of("HF_HOME", dir.resolve("none").toString())));
    }

    @Test
    void unauthorizedMentionsHfToken() {
        fake.requiredToken = "hf_secret";
        HfHub hub = HubTests.builder(fake, dir, DownloadListener.NONE).build();
        HubException e = assertThrows(HubException.class, () -> hub.download(REPO, MODEL));
        assertFalse(e instanceof HubUnavailableException);
        assertTrue(e.getMessage().contains("401") && e.getMessage().contains("HF_TOKEN"), e.getMessage());
        assertTrue(e.getMessage().contains(fake.endpoint() + "/" + REPO_ID), e.getMessage());

        HfHub wrongToken = HubTests.builder(fake, dir, DownloadListener.NONE).token("hf_wrong").build();
        HubException w = assertThrows(HubException.class, () -> wrongToken.download(REPO, MODEL));
        assertTrue(w.getMessage().contains("HF_TOKEN was not accepted"), w.getMessage());
    }

    @Test
    void gatedRepoForbidden() {
        fake.status = 403;
        fake.errorCode = "GatedRepo";
        HfHub hub = HubTests.builder(fake, dir, DownloadListener.NONE).build();
        HubException e = assertThrows(HubException.class, () -> hub.download(REPO, MODEL));
        assertTrue(e.getMessage().contains("gated") && e.getMessage().contains("HF_TOKEN"), e.getMessage());
    }

    @Test
    void notFoundSaysWhat() {
        HfHub hub = HubTests.builder(fake, dir, DownloadListener.NONE).build();
        HubException file = assertThrows(HubException.class, () -> hub.download(REPO, "nope.gguf"));
        assertFalse(file instanceof HubUnavailableException);
        assertTrue(file.getMessage().startsWith(REPO_ID + " has no file nope.gguf at revision main"), file.getMessage());

        HubException repo = assertThrows(HubException.class, () -> hub.download(new HfRepo("no/such"), MODEL));
        assertTrue(repo.getMessage().startsWith("repository no/such not found"), repo.getMessage());
        HubException listing = assertThrows(HubException.class, () -> hub.listFiles(new HfRepo("no/such")));
        assertTrue(listing.getMessage().startsWith("repository no/such not found"), listing.getMessage());
    }

    @Test
    void aServerThatIsNoHubIsNamed() {
        fake.status = 200;
        HfHub hub = HubTests.builder(fake, dir, DownloadListener.NONE).build();
        HubException e = assertThrows(HubException.class, () -> hub.download(REPO, MODEL));
        assertTrue(e.getMessage().contains("HF_ENDPOINT"), e.getMessage());
    }
}
