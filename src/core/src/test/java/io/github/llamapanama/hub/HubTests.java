package io.github.llamapanama.hub;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Shared set-up: a hub client pointed at a {@link FakeHub}, isolated from the real environment. */
final class HubTests {
    static final String REPO_ID = "ggml-org/InternVL3-1B-Instruct-GGUF";
    static final HfRepo REPO = new HfRepo(REPO_ID);
    static final String MODEL = "InternVL3-1B-Instruct-Q8_0.gguf";

    private HubTests() {}

    /** HF_HOME points into the temp dir so no real token file or cache is read. */
    static HfHub.Builder builder(FakeHub fake, Path dir, DownloadListener listener) {
        return HfHub.builder(Map.of("HF_HOME", dir.resolve("hf-home").toString()))
                .endpoint(fake.endpoint())
                .cacheDir(dir.resolve("hub"))
                .listener(listener)
                .readTimeout(Duration.ofSeconds(5))
                .connectTimeout(Duration.ofSeconds(2))
                .retries(0)
                .retryDelay(Duration.ofMillis(10));
    }

    static Path repoDir(Path dir, String repoId) {
        return dir.resolve("hub").resolve("models--" + repoId.replace("/", "--"));
    }

    static Path blob(Path dir, String repoId, String etag) {
        return repoDir(dir, repoId).resolve("blobs").resolve(etag);
    }

    static Path incomplete(Path dir, String repoId, String etag) {
        return repoDir(dir, repoId).resolve("blobs").resolve(etag + ".incomplete");
    }
}
