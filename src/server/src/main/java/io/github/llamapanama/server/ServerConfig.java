package io.github.llamapanama.server;

import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.provider.AddressPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link LlamaServer}. Build with {@link #builder(Path)}; defaults are safe for a
 * local server: loopback only, an ephemeral port is not the default (8080), no file access.
 *
 * @param model              the GGUF model
 * @param projector          an mmproj GGUF for images, or null for text only
 * @param host               address to bind (default 127.0.0.1)
 * @param port               port to bind; 0 picks a free one ({@link LlamaServer#port()} tells which)
 * @param parallel           slots: sequences decoded together in one batch
 * @param slotContextSize    tokens per slot (prompt and answer); the context holds parallel times this
 * @param queueSize          requests that may wait for a slot; more get 503
 * @param apiKey             if non-null, requests need {@code Authorization: Bearer <apiKey>}
 * @param maxBodyBytes       largest request body
 * @param maxImages          most images in one request
 * @param maxImageBytes      largest image (encoded), also the limit of a download
 * @param allowedFileDirectory {@code file:} image URLs must lie inside it; null refuses them all
 * @param fetchTimeout       limit of an http(s) image download
 * @param threads            CPU threads for decoding; 0 = llama.cpp's default
 * @param gpuLayers          layers to offload to a GPU (-1 all)
 * @param modelName          the id {@code /v1/models} reports; null = the model's file name
 * @param promptCache        keep each slot's prompt and answer in the KV cache and reuse the
 *                           longest common prefix for the next request (default on)
 * @param imageCacheMb       size bound of the image embedding cache in MiB, across slots and
 *                           requests; 0 turns it off (default 128)
 * @param prefillChunk       most prompt tokens (or image embeddings) evaluated per step, between
 *                           the decode steps of running streams (default 128); with none
 *                           running, a prompt is read a whole batch at a time
 * @param maxTiles           cut each image into up to this many 448x448 tiles plus a thumbnail,
 *                           as InternVL's dynamic preprocessing does (default 1: one tile, as
 *                           llama.cpp); the image cache keeps each tile
 * @param allowRemoteImages  fetch http(s) image URLs (default false: only data: and allowed file: URLs)
 * @param allowedImageHosts  host names, addresses or CIDR networks that remote image fetches may reach
 *                           although they are loopback, private or link-local (default none)
 * @param chatTemplate       Jinja chat template text that replaces the model's; null = the model's own
 * @param defragThreshold    compact the KV cache when its holes exceed this fraction (default 0.1,
 *                           as llama-server's {@code -dt}); {@code <= 0} never. Slots that end and start
 *                           leave holes, and every decode step attends over all cells up to the
 *                           highest one in use
 * @param shutdownGrace      how long {@link LlamaServer#close(Duration)} without an argument (and
 *                           {@code serve} on SIGTERM) lets running requests finish before streams
 *                           are cut with a final chunk (default 30 s)
 * @param headerTimeout      most time from a request's first byte to the end of its headers; a
 *                           slower client's connection is closed (default 10 s)
 * @param bodyTimeout        most time to read a request's body; a slower client's connection is
 *                           closed (default 60 s; the size limit is {@code maxBodyBytes})
 * @param idleTimeout        a kept-alive connection with no request, or a new one with no byte, is
 *                           closed after this (default 30 s). Process-wide: the JDK's HTTP server
 *                           reads it once, when the first server of the process starts
 * @param maxConnections     most open connections; more are closed on accept. 0 (default) = three
 *                           quarters of the process's file-descriptor limit. Process-wide, as
 *                           {@code idleTimeout}
 */
public record ServerConfig(Path model, Path projector, String host, int port, int parallel, int slotContextSize,
                           int queueSize, String apiKey, long maxBodyBytes, int maxImages, long maxImageBytes,
                           Path allowedFileDirectory, Duration fetchTimeout, int threads, int gpuLayers,
                           String modelName, boolean promptCache, long imageCacheMb, int prefillChunk,
                           int maxTiles, boolean allowRemoteImages, List<String> allowedImageHosts,
                           String chatTemplate, float defragThreshold, Duration shutdownGrace,
                           Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections) {

    public ServerConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(fetchTimeout, "fetchTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
        }
        if (parallel < 1 || parallel > 256) {
            throw new IllegalArgumentException("parallel must be in [1, 256], was " + parallel);
        }
        if (slotContextSize < 16) {
            throw new IllegalArgumentException("slotContextSize must be >= 16, was " + slotContextSize);
        }
        if (queueSize < 1) {
            throw new IllegalArgumentException("queueSize must be >= 1, was " + queueSize);
        }
        if (maxBodyBytes < 1 || maxImages < 0 || maxImageBytes < 1 || threads < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (imageCacheMb < 0 || imageCacheMb > (1L << 30)) {
            throw new IllegalArgumentException("imageCacheMb must be in [0, 2^30], was " + imageCacheMb);
        }
        if (maxTiles < 1 || maxTiles > 40) {
            throw new IllegalArgumentException("maxTiles must be in [1, 40], was " + maxTiles);
        }
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefillChunk must be >= 1, was " + prefillChunk);
        }
        if (Float.isNaN(defragThreshold)) {
            throw new IllegalArgumentException("defragThreshold must be a number (<= 0 disables it), was NaN");
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank (null turns authentication off)");
        }
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must not be negative, was " + shutdownGrace);
        }
        if (headerTimeout.isNegative() || headerTimeout.isZero() || bodyTimeout.isNegative() || bodyTimeout.isZero()) {
            throw new IllegalArgumentException("headerTimeout and bodyTimeout must be positive");
        }
        if (idleTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("idleTimeout must be at least 1 s, was " + idleTimeout);
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections must be >= 0 (0 = from the descriptor limit), was "
                    + maxConnections);
        }
        if (modelName == null) {
            modelName = model.getFileName().toString();
        }
        allowedImageHosts = List.copyOf(allowedImageHosts == null ? List.of() : allowedImageHosts);
        new AddressPolicy(allowedImageHosts); // IllegalArgumentException on a malformed entry
    }

    public static Builder builder(Path model) {
        return new Builder(model);
    }

    /** Builder with the defaults listed on {@link ServerConfig}. */
    public static final class Builder {
        private final Path model;
        private Path projector;
        private String host = "127.0.0.1";
        private int port = 8080;
        private int parallel = 4;
        private int slotContextSize = 4096;
        private int queueSize = 64;
        private String apiKey;
        private long maxBodyBytes = 32L << 20;
        private int maxImages = 8;
        private long maxImageBytes = 16L << 20;
        private Path allowedFileDirectory;
        private Duration fetchTimeout = Duration.ofSeconds(20);
        private int threads;
        private int gpuLayers;
        private String modelName;
        private boolean promptCache = true;
        private long imageCacheMb = 128;
        private int prefillChunk = 128;
        private int maxTiles = 1;
        private boolean allowRemoteImages;
        private List<String> allowedImageHosts = List.of();
        private String chatTemplate;
        private float defragThreshold = ContextParams.TOOLS_DEFRAG_THRESHOLD;
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration bodyTimeout = Duration.ofSeconds(60);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int maxConnections;

        private Builder(Path model) {
            this.model = model;
        }

        public Builder projector(Path p) { projector = p; return this; }
        public Builder host(String h) { host = h; return this; }
        public Builder port(int p) { port = p; return this; }
        public Builder parallel(int n) { parallel = n; return this; }
        public Builder slotContextSize(int n) { slotContextSize = n; return this; }
        public Builder queueSize(int n) { queueSize = n; return this; }
        public Builder apiKey(String k) { apiKey = k; return this; }
        public Builder maxBodyBytes(long n) { maxBodyBytes = n; return this; }
        public Builder maxImages(int n) { maxImages = n; return this; }
        public Builder maxImageBytes(long n) { maxImageBytes = n; return this; }
        public Builder allowedFileDirectory(Path d) { allowedFileDirectory = d; return this; }
        public Builder fetchTimeout(Duration d) { fetchTimeout = d; return this; }
        public Builder threads(int n) { threads = n; return this; }
        public Builder gpuLayers(int n) { gpuLayers = n; return this; }
        public Builder modelName(String n) { modelName = n; return this; }
        public Builder promptCache(boolean on) { promptCache = on; return this; }
        public Builder imageCacheMb(long mb) { imageCacheMb = mb; return this; }
        public Builder prefillChunk(int tokens) { prefillChunk = tokens; return this; }
        public Builder maxTiles(int n) { maxTiles = n; return this; }
        public Builder allowRemoteImages(boolean b) { allowRemoteImages = b; return this; }
        public Builder allowedImageHosts(List<String> hosts) { allowedImageHosts = hosts; return this; }
        public Builder chatTemplate(String jinja) { chatTemplate = jinja; return this; }
        public Builder defragThreshold(float fraction) { defragThreshold = fraction; return this; }
        public Builder shutdownGrace(Duration d) { shutdownGrace = d; return this; }
        public Builder headerTimeout(Duration d) { headerTimeout = d; return this; }
        public Builder bodyTimeout(Duration d) { bodyTimeout = d; return this; }
        public Builder idleTimeout(Duration d) { idleTimeout = d; return this; }
        public Builder maxConnections(int n) { maxConnections = n; return this; }

        public ServerConfig build() {
            return new ServerConfig(model, projector, host, port, parallel, slotContextSize, queueSize, apiKey,
                    maxBodyBytes, maxImages, maxImageBytes, allowedFileDirectory, fetchTimeout, threads, gpuLayers,
                    modelName, promptCache, imageCacheMb, prefillChunk, maxTiles,
                    allowRemoteImages, allowedImageHosts, chatTemplate, defragThreshold, shutdownGrace, headerTimeout,
                    bodyTimeout, idleTimeout, maxConnections);
        }
    }
}
