package io.github.llamapanama.hub;

import io.github.llamapanama.hub.GgufFiles.Choice;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Downloads files from the Hugging Face hub into the hub's cache. A file already cached for the
 * repo's revision is returned without asking the hub (pin a commit hash as the revision, or delete
 * {@code refs/{revision}}, to pick up newer uploads). Thread-safe; concurrent downloads of the same
 * file, in this or another process, wait for each other instead of writing it twice.
 *
 * <pre>{@code
 * HfHub hub = HfHub.fromEnvironment();
 * ModelPair pair = hub.resolveVisionModel(HfRepo.parse("Mungert/InternVL3-1B-GGUF:q4_k"));
 * }</pre>
 */
public final class HfHub {
    /** The default vision model: InternVL3-1B-Instruct in Q8_0, with its Q8_0 projector. */
    public static final HfRepo INTERNVL3_1B = new HfRepo("ggml-org/InternVL3-1B-Instruct-GGUF", "Q8_0", HfRepo.MAIN);
    public static final String INTERNVL3_1B_MODEL = "InternVL3-1B-Instruct-Q8_0.gguf";
    public static final String INTERNVL3_1B_MMPROJ = "mmproj-InternVL3-1B-Instruct-Q8_0.gguf";
    private static final String OFFLINE_HINT_FILE =
            "Download it yourself and pass --model FILE --mmproj FILE, or go online once.";
    private static final String OFFLINE_HINT_MODEL =
            "Download the model yourself and pass --model FILE --mmproj FILE, or go online once.";

    private final boolean offline;
    private final HubCache cache;
    private final HubClient client;
    private final Downloader downloader;

    private HfHub(Builder b, DownloadListener listener) {
        this.offline = b.offline;
        this.cache = new HubCache(b.cacheDir);
        HttpClient http = b.httpClient != null ? b.httpClient : HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER) // HubClient follows them, see there
                .version(HttpClient.Version.HTTP_1_1)      // one large body: HTTP/2 buys nothing here
                .build();
        this.client = new HubClient(b.endpoint, b.token, http, b.readTimeout);
        this.downloader = new Downloader(client, listener, b.readTimeout, b.retries, b.retryDelay);
    }

    /** A hub configured from the environment ({@link #builder()}'s defaults). */
    public static HfHub fromEnvironment() {
        return builder().build();
    }

    /** A builder seeded from this process's environment variables. */
    public static Builder builder() {
        return builder(System.getenv());
    }

    /**
     * A builder seeded from the given variables: {@code HF_ENDPOINT} (default
     * https://huggingface.co), {@code HF_TOKEN} (else the token file {@code huggingface-cli login}
     * wrote, {@code $HF_TOKEN_PATH} or {@code $HF_HOME/token}), {@code HF_HUB_OFFLINE} (1, true,
     * yes or on), and the cache {@code $HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else
     * {@code ~/.cache/huggingface/hub}.
     */
    public static Builder builder(Map<String, String> env) {
        return new Builder(env);
    }

    public URI endpoint() {
        return client.endpoint();
    }

    public Path cacheDir() {
        return cache.root();
    }

    public boolean offline() {
        return offline;
    }

    /**
     * The local path of a file of the repo at its revision, downloading it first unless cached.
     * The path is the file's entry under {@code snapshots/{commit}/}.
     *
     * @param filename the file's path in the repo, e.g. {@code InternVL3-1B-Instruct-Q8_0.gguf}
     * @throws HubUnavailableException offline with the file not cached, or the hub unreachable
     * @throws ChecksumMismatchException the download does not match the hub's SHA-256
     * @throws HubException the hub refused (401/403/404) or the cache could not be written
     */
    public Path download(HfRepo repo, String filename) {
        Objects.requireNonNull(repo, "repo");
        HubCache.checkFilename(filename);
        Optional<Path> hit = cache.cachedFile(repo, filename);
        if (hit.isPresent()) {
            return hit.get();
        }
        if (offline) {
            throw offlineMiss(repo.id() + "/" + filename + " is not in the cache " + cache.root(), OFFLINE_HINT_FILE);
        }
        FileMetadata meta = client.metadata(repo, filename);
        Path snapshot = cache.snapshotFile(repo, meta.commit(), filename);
        try {
            if (!Files.isRegularFile(snapshot)) {
                Path blob = cache.blob(repo, meta.etag());
                downloader.fetch(repo, filename, meta, blob, cache.lockFile(repo, meta.etag()));
                cache.link(blob, snapshot);
            }
            cache.writeRef(repo, meta.commit());
        } catch (IOException e) {
            throw new HubException("cannot store " + repo.id() + "/" + filename + " in the cache " + cache.root()
                    + ": " + e, e);
        }
        return snapshot;
    }

    /** The cached file of the repo at its revision, without any request. */
    public Optional<Path> cached(HfRepo repo, String filename) {
        return cache.cachedFile(repo, HubCache.checkFilename(filename));
    }

    /** The repo's file names at its revision, as the hub lists them (one request). */
    public List<String> listFiles(HfRepo repo) {
        if (offline) {
            throw offlineMiss("listing the files of " + repo.id() + " needs the hub", OFFLINE_HINT_MODEL);
        }
        return client.listFiles(repo);
    }

    /**
     * A vision model and its projector from the repo, downloaded as needed. The model is the GGUF
     * whose name carries the repo's quant tag (with none: Q4_K_M, else Q8_0, else the first), the
     * projector the {@code mmproj*.gguf} with the same tag, else f16, else any. A pair already in
     * the cache for the revision is used without a request; otherwise the hub lists the repo's
     * files, except for {@link #INTERNVL3_1B}, whose file names are known.
     *
     * @throws HubException no file for the quant, no projector, or as for {@link #download}
     */
    public ModelPair resolveVisionModel(HfRepo repo) {
        Optional<ModelPair> hit = cachedPair(repo);
        if (hit.isPresent()) {
            return hit.get();
        }
        if (offline) {
            throw offlineMiss("the cache " + cache.root() + " has no model and mmproj of " + repo, OFFLINE_HINT_MODEL);
        }
        Choice choice = repo.equals(INTERNVL3_1B)
                ? new Choice(List.of(INTERNVL3_1B_MODEL), INTERNVL3_1B_MMPROJ)
                : GgufFiles.choose(repo.toString(), client.listFiles(repo), repo.quant());
        List<Path> parts = new ArrayList<>();
        for (String part : choice.model()) {
            parts.add(download(repo, part));
        }
        return new ModelPair(parts.getFirst(), download(repo, choice.mmproj()));
    }

    private Optional<ModelPair> cachedPair(HfRepo repo) {
        List<String> files = cache.snapshotFiles(repo);
        if (files.isEmpty()) {
            return Optional.empty();
        }
        Choice choice;
        try {
            choice = GgufFiles.choose(repo.toString(), files, repo.quant());
        } catch (HubException e) {
            return Optional.empty(); // the cache lacks a model or projector: ask the hub
        }
        if (!files.containsAll(choice.model())) {
            return Optional.empty();
        }
        Optional<Path> model = cache.cachedFile(repo, choice.model().getFirst());
        Optional<Path> mmproj = cache.cachedFile(repo, choice.mmproj());
        return model.isPresent() && mmproj.isPresent()
                ? Optional.of(new ModelPair(model.get(), mmproj.get())) : Optional.empty();
    }

    private HubUnavailableException offlineMiss(String what, String hint) {
        return new HubUnavailableException("offline mode (HF_HUB_OFFLINE or --offline): " + what + ". " + hint);
    }

    /** Settings for an {@link HfHub}; each setter overrides what the environment said. */
    public static final class Builder {
        private URI endpoint;
        private String token;
        private Path cacheDir;
        private boolean offline;
        private HttpClient httpClient;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private int retries = 3;
        private Duration retryDelay = Duration.ofSeconds(1);
        private DownloadListener listener;

        private Builder(Map<String, String> env) {
            this.endpoint = HubSettings.endpoint(env);
            this.token = HubSettings.token(env);
            this.cacheDir = HubSettings.cacheDir(env);
            this.offline = HubSettings.offline(env);
        }

        /** The hub or mirror, e.g. {@code https://hf-mirror.com}. */
        public Builder endpoint(String endpoint) {
            this.endpoint = HubSettings.normalizeEndpoint(Objects.requireNonNull(endpoint, "endpoint"));
            return this;
        }

        /** The access token sent as a bearer token to the endpoint (never to the CDN); null for none. */
        public Builder token(String token) {
            this.token = token == null || token.isBlank() ? null : token.strip();
            return this;
        }

        /** The hub cache root, the folder holding {@code models--org--name} folders. */
        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
            return this;
        }

        /** Offline: only the cache is used, and nothing is requested. */
        public Builder offline(boolean offline) {
            this.offline = offline;
            return this;
        }

        /**
         * The HTTP client; it should not follow redirects itself, so that the token is not sent
         * to the CDN. The connect timeout is then the client's own.
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /** How long a connection may take to open (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long to wait for response headers, and for each chunk of a body (default 30 s). */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /** How often a transfer cut short is resumed before giving up (default 3). */
        public Builder retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries < 0: " + retries);
            }
            this.retries = retries;
            return this;
        }

        /** The pause before the first resume, growing linearly after (default 1 s). */
        public Builder retryDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("negative retryDelay: " + delay);
            }
            this.retryDelay = delay;
            return this;
        }

        /** Progress observer (default: {@link DownloadListener#console()}). */
        public Builder listener(DownloadListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public HfHub build() {
            return new HfHub(this, listener != null ? listener : DownloadListener.console());
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }
    }
}
