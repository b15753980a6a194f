package io.github.llamapanama.langchain4j;

import io.github.llamapanama.provider.LocalModel;
import io.github.llamapanama.provider.RemoteFetch;

import java.nio.file.Path;

/**
 * What the LangChain4j adapters' builders share: either a {@link LocalModel} to use (and leave
 * open), or where to load one from (the adapter then owns it and {@code close()} frees it).
 */
public abstract class ModelBuilder<B extends ModelBuilder<B>> {
    private LocalModel model;
    private final LocalModel.Builder load = LocalModel.builder();
    private boolean loadSet;

    ModelBuilder() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    private B load(Runnable r) {
        r.run();
        loadSet = true;
        return self();
    }

    /** A model to share (several adapters may use one); the adapter does not close it. */
    public B model(LocalModel model) {
        this.model = model;
        return self();
    }

    /** A local GGUF file. */
    public B modelPath(Path path) { return load(() -> load.modelPath(path)); }
    /** The projector (mmproj) for images or audio. */
    public B mmprojPath(Path path) { return load(() -> load.mmprojPath(path)); }
    /** A Hugging Face repo {@code owner/name[:QUANT]}, model and mmproj downloaded on first use. */
    public B huggingFace(String repo) { return load(() -> load.huggingFace(repo)); }
    /** KV cache size of each pooled context (4096). */
    public B contextSize(int n) { return load(() -> load.contextSize(n)); }
    /** Compute threads (the available processors). */
    public B threads(int n) { return load(() -> load.threads(n)); }
    /** Layers to offload to a GPU (0). */
    public B gpuLayers(int n) { return load(() -> load.gpuLayers(n)); }
    /** Contexts in the pool: conversations answered at once (1). See {@link LocalModel}. */
    public B poolSize(int n) { return load(() -> load.poolSize(n)); }
    /** Lets {@code file:} image and audio URLs read inside this directory. */
    public B allowedMediaDirectory(Path dir) { return load(() -> load.allowedMediaDirectory(dir)); }
    /**
     * Fetches http(s) image and audio URLs (off by default), then only from public addresses unless
     * {@link #allowedMediaHosts} allows more: the server's policy ({@link io.github.llamapanama.provider.MediaFetcher}).
     */
    public B allowRemoteMedia(boolean allow) { return load(() -> load.allowRemoteMedia(allow)); }
    /** Host names, addresses or CIDR networks that remote media may come from although they are not public. */
    public B allowedMediaHosts(java.util.List<String> hosts) { return load(() -> load.allowedMediaHosts(hosts)); }
    /** How remote media hosts are resolved and connected to (the system's by default); for tests. */
    public B mediaResolver(RemoteFetch.Resolver resolver) { return load(() -> load.mediaResolver(resolver)); }

    /** The shared model, or a newly loaded one (then {@code owned} is true). */
    Resolved resolve() {
        if (model != null) {
            if (loadSet) {
                throw new IllegalArgumentException("give either model(LocalModel) or where to load one from, not both");
            }
            return new Resolved(model, false);
        }
        return new Resolved(load.build(), true);
    }

    record Resolved(LocalModel model, boolean owned) {}
}
