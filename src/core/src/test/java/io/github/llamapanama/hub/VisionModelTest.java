package io.github.llamapanama.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class VisionModelTest {
    static final String MUNGERT = "Mungert/InternVL3-1B-GGUF";
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

    private HfHub hub() {
        return HubTests.builder(fake, dir, DownloadListener.NONE).build();
    }

    @Test
    void quantPicksTheModelAndPairsTheProjector() throws Exception {
        byte[] model = TestBytes.of(400_000, 21);
        byte[] mmproj = TestBytes.of(100_000, 22);
        fake.put(MUNGERT, "InternVL3-1B-q4_k.gguf", model);
        fake.put(MUNGERT, "mmproj-InternVL3-1B-f16.gguf", mmproj);
        // Listed only: fetching any of these would fail with a 404.
        fake.list(MUNGERT, "InternVL3-1B-q4_k_m.gguf", "InternVL3-1B-q8_0.gguf", "InternVL3-1B-f16.gguf",
                "InternVL3-1B-bf16_q8_0.gguf", "mmproj-InternVL3-1B-bf16.gguf", "README.md");

        ModelPair pair = hub().resolveVisionModel(HfRepo.parse(MUNGERT + ":Q4_K"));
        assertEquals("InternVL3-1B-q4_k.gguf", pair.model().getFileName().toString());
        assertEquals("mmproj-InternVL3-1B-f16.gguf", pair.mmproj().getFileName().toString());
        assertArrayEquals(model, Files.readAllBytes(pair.model()));
        assertArrayEquals(mmproj, Files.readAllBytes(pair.mmproj()));
        assertEquals("/api/models/" + MUNGERT, fake.requests("hub").getFirst().path());

        fake.clearRequests();
        assertEquals(pair, hub().resolveVisionModel(HfRepo.parse(MUNGERT + ":q4_k")));
        assertEquals(List.of(), fake.requests());
        HfHub offline = HubTests.builder(fake, dir, DownloadListener.NONE).offline(true).build();
        assertEquals(pair, offline.resolveVisionModel(HfRepo.parse(MUNGERT + ":q4_k")));
        assertThrows(HubUnavailableException.class, () -> offline.resolveVisionModel(HfRepo.parse(MUNGERT + ":q8_0")));
    }

    @Test
    void theDefaultNeedsNoListing() throws Exception {
        byte[] model = TestBytes.of(300_000, 23);
        byte[] mmproj = TestBytes.of(90_000, 24);
        fake.put(HfHub.INTERNVL3_1B.id(), HfHub.INTERNVL3_1B_MODEL, model);
        fake.put(HfHub.INTERNVL3_1B.id(), HfHub.INTERNVL3_1B_MMPROJ, mmproj);
        fake.list(HfHub.INTERNVL3_1B.id(), "InternVL3-1B-Instruct-f16.gguf", "mmproj-InternVL3-1B-Instruct-f16.gguf");

        ModelPair pair = hub().resolveVisionModel(HfHub.INTERNVL3_1B);
        assertArrayEquals(model, Files.readAllBytes(pair.model()));
        assertArrayEquals(mmproj, Files.readAllBytes(pair.mmproj()));
        assertTrue(fake.requests("hub").stream().noneMatch(r -> r.path().startsWith("/api/")));
        assertEquals(2, fake.requests("hub").size());
    }

    @Test
    void aListingSelectsTheSameDefaultFiles() {
        fake.put(HfHub.INTERNVL3_1B.id(), HfHub.INTERNVL3_1B_MODEL, TestBytes.of(1000, 25));
        fake.put(HfHub.INTERNVL3_1B.id(), HfHub.INTERNVL3_1B_MMPROJ, TestBytes.of(1000, 26));
        fake.list(HfHub.INTERNVL3_1B.id(), "InternVL3-1B-Instruct-f16.gguf", "mmproj-InternVL3-1B-Instruct-f16.gguf");
        // Same repo and quant, other revision: not the constant, so the hub lists the files.
        ModelPair pair = hub().resolveVisionModel(HfHub.INTERNVL3_1B.withRevision(FakeHub.COMMIT));
        assertEquals(HfHub.INTERNVL3_1B_MODEL, pair.model().getFileName().toString());
        assertEquals(HfHub.INTERNVL3_1B_MMPROJ, pair.mmproj().getFileName().toString());
    }

    @Test
    void splitModelsDownloadEveryPart() throws Exception {
        String repo = "org/big-GGUF";
        List<String> parts = List.of("big-Q4_K_M-00001-of-00002.gguf", "big-Q4_K_M-00002-of-00002.gguf");
        fake.put(repo, parts.get(0), TestBytes.of(50_000, 27));
        fake.put(repo, parts.get(1), TestBytes.of(50_000, 28));
        fake.put(repo, "mmproj-big-f16.gguf", TestBytes.of(10_000, 29));
        ModelPair pair = hub().resolveVisionModel(new HfRepo(repo));
        assertEquals(parts.get(0), pair.model().getFileName().toString());
        assertTrue(Files.isRegularFile(pair.model().resolveSibling(parts.get(1))));
    }

    @Test
    void anUnknownQuantListsWhatThereIs() {
        fake.list(MUNGERT, "InternVL3-1B-q4_k.gguf", "mmproj-InternVL3-1B-f16.gguf");
        HubException e = assertThrows(HubException.class, () -> hub().resolveVisionModel(HfRepo.parse(MUNGERT + ":q5_k")));
        assertTrue(e.getMessage().contains("q5_k") && e.getMessage().contains("InternVL3-1B-q4_k.gguf"), e.getMessage());
    }
}
