package io.github.llamapanama.hub;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HubSettingsTest {
    @Test
    void cacheDirFollowsTheHubsOrder() {
        assertEquals(Path.of("/a/hub-cache"), HubSettings.cacheDir(Map.of("HF_HUB_CACHE", "/a/hub-cache", "HF_HOME", "/b")));
        assertEquals(Path.of("/b/hub"), HubSettings.cacheDir(Map.of("HF_HOME", "/b")));
        assertEquals(Path.of("/x/huggingface/hub"), HubSettings.cacheDir(Map.of("XDG_CACHE_HOME", "/x")));
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"),
                HubSettings.cacheDir(Map.of()));
        assertEquals(Path.of(System.getProperty("user.home"), "models"), HubSettings.cacheDir(Map.of("HF_HUB_CACHE", "~/models")));
    }

    @Test
    void endpoint() {
        assertEquals(URI.create("https://huggingface.co"), HubSettings.endpoint(Map.of()));
        assertEquals(URI.create("https://hf-mirror.com"), HubSettings.endpoint(Map.of("HF_ENDPOINT", "https://hf-mirror.com/")));
        assertThrows(IllegalArgumentException.class, () -> HubSettings.endpoint(Map.of("HF_ENDPOINT", "hf-mirror.com")));
    }

    @Test
    void urlPathsAreEncodedLikeHuggingfaceHub() {
        assertEquals("Q4%20K/a%2Bb.gguf", HubClient.encode("Q4 K/a+b.gguf", true));
        assertEquals("refs%2Fpr%2F1", HubClient.encode("refs/pr/1", false));
    }
}
