package io.github.llamapanama.model;

/** llama_split_mode: how a model is spread over several GPUs. */
public enum SplitMode {
    /** single GPU ({@link ModelParams#mainGpu()}) */
    NONE,
    /** split layers and KV across GPUs */
    LAYER,
    /** split layers and KV across GPUs, use tensor parallelism if supported */
    ROW
}
