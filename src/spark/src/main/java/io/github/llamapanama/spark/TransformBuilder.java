package io.github.llamapanama.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * What every transform's builder sets: the model files, how rows are batched, sampling, and what
 * a failing row does. {@code B} is the concrete builder, returned by every setter.
 */
public abstract class TransformBuilder<B extends TransformBuilder<B>> {
    ModelFiles files;
    int sequences = 8;
    int contextPerSequence = 2048;
    int rowsInFlight = 0;
    int threads = 0;
    int gpuLayers = 0;
    int maxTokens = 128;
    float temperature = 0;
    int topK = 40;
    float topP = 0.95f;
    float minP = 0.05f;
    long seed = 42;
    final List<String> stopStrings = new ArrayList<>();
    boolean failOnError = false;
    String systemPrompt;
    boolean answerTokens;

    TransformBuilder() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The model (and projector, null for text) at paths every executor can read. */
    public B model(String model, String mmproj) {
        files = ModelFiles.paths(model, mmproj);
        return self();
    }

    /** Files added on the driver with {@code sparkContext().addFile(path)}, by file name. */
    public B sparkFiles(String model, String mmproj) {
        files = ModelFiles.sparkFiles(model, mmproj);
        return self();
    }

    /** A vision model and projector from a Hugging Face repo {@code org/name[:quant]}, into each executor's hub cache. */
    public B hub(String repo) {
        files = ModelFiles.hub(repo);
        return self();
    }

    public B files(ModelFiles files) {
        this.files = files;
        return self();
    }

    /** Rows of a partition decoded together as parallel sequences of one context (default 8). */
    public B sequences(int n) {
        sequences = n;
        return self();
    }

    /** KV cache positions for each sequence: prompt, image tokens and answer (default 2048). */
    public B contextPerSequence(int n) {
        contextPerSequence = n;
        return self();
    }

    /** Most rows of a partition held at once, read but not yet written (default 4 x sequences). */
    public B rowsInFlight(int n) {
        rowsInFlight = n;
        return self();
    }

    /** Threads per task; by default {@code spark.task.cpus}. */
    public B threads(int n) {
        threads = n;
        return self();
    }

    /** Layers offloaded to a GPU in natives built with one (default 0). */
    public B gpuLayers(int n) {
        gpuLayers = n;
        return self();
    }

    public B maxTokens(int n) {
        maxTokens = n;
        return self();
    }

    /** 0 (the default) samples greedily: the same answer on every run and every retry. */
    public B temperature(float t) {
        temperature = t;
        return self();
    }

    public B topK(int k) {
        topK = k;
        return self();
    }

    public B topP(float p) {
        topP = p;
        return self();
    }

    public B minP(float p) {
        minP = p;
        return self();
    }

    public B seed(long s) {
        seed = s;
        return self();
    }

    public B stopStrings(String... stops) {
        stopStrings.clear();
        stopStrings.addAll(List.of(stops));
        return self();
    }

    /** A system message before each prompt. */
    public B systemPrompt(String text) {
        systemPrompt = text;
        return self();
    }

    /**
     * false (the default): a row that cannot be answered (a broken image, a prompt too long)
     * gets its reason in the {@code error} column; true: it fails the task, and Spark retries it.
     */
    public B failOnError(boolean on) {
        failOnError = on;
        return self();
    }

    /** Adds {@code answer_tokens} (array of int): the answer's token ids, end-of-generation token included. */
    public B answerTokens(boolean on) {
        answerTokens = on;
        return self();
    }

    Settings settings() {
        return new Settings(files, sequences, contextPerSequence, rowsInFlight == 0 ? 4 * sequences : rowsInFlight,
                threads, gpuLayers, maxTokens, temperature, topK, topP, minP, seed, stopStrings, failOnError, systemPrompt, answerTokens);
    }
}
