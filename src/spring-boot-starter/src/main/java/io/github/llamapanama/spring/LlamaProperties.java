package io.github.llamapanama.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * {@code spring.ai.llama-panama.*}: where the model comes from and how it runs. {@code model}
 * (a GGUF file) or {@code hugging-face} (a repo, {@code owner/name[:QUANT]}, downloaded with its
 * mmproj on first use) is required; {@code mmproj} adds images and audio to a local model.
 */
@ConfigurationProperties(prefix = LlamaProperties.PREFIX)
public class LlamaProperties {
    public static final String PREFIX = "spring.ai.llama-panama";

    /** The language model GGUF file. */
    private Path model;
    /** A Hugging Face repo, owner/name[:QUANT], instead of model/mmproj. */
    private String huggingFace;
    /** The projector (mmproj) GGUF for images and audio. */
    private Path mmproj;
    /** KV cache size of each pooled context, in tokens. */
    private int contextSize = 4096;
    /** Compute threads; 0 = the available processors. */
    private int threads;
    /** Layers offloaded to a GPU. */
    private int gpuLayers;
    /** Contexts in the pool: conversations answered at once. */
    private int poolSize = 1;
    /** A directory inside which file: media URLs may be read (none by default). */
    private Path allowedMediaDirectory;
    /**
     * Fetch http(s) media URLs (off by default), then only from public addresses unless
     * allowed-media-hosts allows more.
     */
    private boolean allowRemoteMedia;
    /** Host names, addresses or CIDR networks that remote media may come from although they are not public. */
    private java.util.List<String> allowedMediaHosts = new java.util.ArrayList<>();
    /** Default sampling temperature (llama.cpp's 0.8 when unset). */
    private Double temperature;
    /** Default answer length limit, in tokens (none when unset). */
    private Integer maxTokens;

    public Path getModel() { return model; }
    public void setModel(Path model) { this.model = model; }
    public String getHuggingFace() { return huggingFace; }
    public void setHuggingFace(String huggingFace) { this.huggingFace = huggingFace; }
    public Path getMmproj() { return mmproj; }
    public void setMmproj(Path mmproj) { this.mmproj = mmproj; }
    public int getContextSize() { return contextSize; }
    public void setContextSize(int contextSize) { this.contextSize = contextSize; }
    public int getThreads() { return threads; }
    public void setThreads(int threads) { this.threads = threads; }
    public int getGpuLayers() { return gpuLayers; }
    public void setGpuLayers(int gpuLayers) { this.gpuLayers = gpuLayers; }
    public int getPoolSize() { return poolSize; }
    public void setPoolSize(int poolSize) { this.poolSize = poolSize; }
    public Path getAllowedMediaDirectory() { return allowedMediaDirectory; }
    public void setAllowedMediaDirectory(Path dir) { this.allowedMediaDirectory = dir; }
    public boolean isAllowRemoteMedia() { return allowRemoteMedia; }
    public void setAllowRemoteMedia(boolean allow) { this.allowRemoteMedia = allow; }
    public java.util.List<String> getAllowedMediaHosts() { return allowedMediaHosts; }
    public void setAllowedMediaHosts(java.util.List<String> hosts) { this.allowedMediaHosts = hosts; }
    public Double getTemperature() { return temperature; }
    public void setTemperature(Double temperature) { this.temperature = temperature; }
    public Integer getMaxTokens() { return maxTokens; }
    public void setMaxTokens(Integer maxTokens) { this.maxTokens = maxTokens; }
}
