package io.github.llamapanama.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.github.llamapanama.hub.HubTests.MODEL;
import static io.github.llamapanama.hub.HubTests.REPO;
import static io.github.llamapanama.hub.HubTests.REPO_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class OfflineTest {
    @TempDir
    Path dir;
    FakeHub fake;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeHub();
        fake.put(REPO_ID, MODEL, TestBytes.of(200_000, 7));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void offlineResolvesFromTheCache() {
        Path online = HubTests.builder(fake, dir, DownloadListener.NONE).build().download(REPO, MODEL);
        fake.clearRequests();
        HfHub offline = HubTests.builder(fake, dir, DownloadListener.NONE).offline(true).build();
        assertEquals(online, offline.download(REPO, MODEL));
        assertEquals(List.of(), fake.requests());
    }

    @Test
    void hfHubOfflineTurnsItOn() {
        for (String on : new String[] {"1", "true", "YES", "on"}) {
            assertTrue(HfHub.builder(Map.of("HF_HUB_OFFLINE", on, "HF_HOME", dir.toString())).build().offline(), on);
        }
        assertTrue(!HfHub.builder(Map.of("HF_HUB_OFFLINE", "0", "HF_HOME", dir.toString())).build().offline());
    }

    @Test
    void offlineWithoutTheFileFailsClearly() {
        HfHub offline = HubTests.builder(fake, dir, DownloadListener.NONE).offline(true).build();
        HubUnavailableException e = assertThrows(HubUnavailableException.class, () -> offline.download(REPO, MODEL));
        assertTrue(e.getMessage().startsWith("offline mode"), e.getMessage());
        assertTrue(e.getMessage().contains(REPO_ID + "/" + MODEL), e.getMessage());
        assertTrue(e.getMessage().contains("--model FILE --mmproj FILE"), e.getMessage());
        assertThrows(HubUnavailableException.class, () -> offline.resolveVisionModel(HfHub.INTERNVL3_1B));
        assertThrows(HubUnavailableException.class, () -> offline.listFiles(REPO));
        assertEquals(List.of(), fake.requests());
    }

    @Test
    void anUnreachableEndpointNamesWhatToPassInstead() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        HfHub hub = HubTests.builder(fake, dir, DownloadListener.NONE).endpoint(endpoint).build();
        HubUnavailableException e = assertThrows(HubUnavailableException.class,
                () -> hub.download(HfHub.INTERNVL3_1B, HfHub.INTERNVL3_1B_MODEL));
        assertTrue(e.getMessage().startsWith("cannot reach " + endpoint + " to download "
                + "ggml-org/InternVL3-1B-Instruct-GGUF/InternVL3-1B-Instruct-Q8_0.gguf: "), e.getMessage());
        assertTrue(e.getMessage().endsWith(". Download it yourself and pass --model FILE --mmproj FILE, "
                + "or set HF_ENDPOINT to a mirror."), e.getMessage());
        assertThrows(HubUnavailableException.class, () -> hub.resolveVisionModel(HfHub.INTERNVL3_1B));
        HubUnavailableException listing = assertThrows(HubUnavailableException.class,
                () -> hub.resolveVisionModel(HfRepo.parse("Mungert/InternVL3-1B-GGUF:q4_k")));
        assertTrue(listing.getMessage().contains("list the files of Mungert/InternVL3-1B-GGUF"), listing.getMessage());
    }

    @Test
    void serverErrorsCountAsUnavailable() {
        fake.status = 503;
        HfHub hub = HubTests.builder(fake, dir, DownloadListener.NONE).build();
        HubUnavailableException e = assertThrows(HubUnavailableException.class, () -> hub.download(REPO, MODEL));
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
        assertTrue(e.getMessage().contains("--model FILE --mmproj FILE"), e.getMessage());
    }
}
