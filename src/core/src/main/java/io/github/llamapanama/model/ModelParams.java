package io.github.llamapanama.model;

import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.llama_model_params;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * llama_model_params. {@link #defaults()} takes its values from llama_model_default_params.
 *
 * @param gpuLayers    layers to offload to the GPU (n_gpu_layers); -1 means all
 * @param mainGpu      the GPU for the whole model with {@link SplitMode#NONE}
 * @param splitMode    how to spread the model over several GPUs
 * @param useMmap      map the file instead of reading it
 * @param useMlock     keep the model in RAM
 * @param vocabOnly    load only the vocabulary (tokenizer), no weights
 * @param checkTensors validate the tensor data while loading
 * @param progress     load progress listener, which can cancel; may be null
 */
public record ModelParams(int gpuLayers, int mainGpu, SplitMode splitMode, boolean useMmap,
                          boolean useMlock, boolean vocabOnly, boolean checkTensors,
                          LoadProgressListener progress) {

    public ModelParams {
        Objects.requireNonNull(splitMode, "splitMode");
        if (gpuLayers < -1) {
            throw new IllegalArgumentException("gpuLayers must be >= -1 (-1 = all), was " + gpuLayers);
        }
        if (mainGpu < 0) {
            throw new IllegalArgumentException("mainGpu must be >= 0, was " + mainGpu);
        }
    }

    /** llama.cpp's defaults. */
    public static ModelParams defaults() {
        // natives first, outside the holder's initialiser: a load failure stays a NativeLoadException
        // (not an ExceptionInInitializerError, then NoClassDefFoundError on every later call)
        NativeRuntime.ensureInitialized();
        return Defaults.VALUE;
    }

    public static Builder builder() {
        return new Builder(defaults());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Fills a native llama_model_params, starting from the native defaults. */
    MemorySegment toNative(Arena arena) {
        MemorySegment p = LlamaNative.llama_model_default_params(arena);
        llama_model_params.n_gpu_layers(p, gpuLayers == -1 ? Integer.MAX_VALUE : gpuLayers);
        llama_model_params.main_gpu(p, mainGpu);
        llama_model_params.split_mode(p, splitMode.ordinal());
        llama_model_params.use_mmap(p, useMmap);
        llama_model_params.use_mlock(p, useMlock);
        llama_model_params.vocab_only(p, vocabOnly);
        llama_model_params.check_tensors(p, checkTensors);
        return p;
    }

    private static final class Defaults {
        static final ModelParams VALUE;

        static {
            NativeRuntime.ensureInitialized();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment p = LlamaNative.llama_model_default_params(arena);
                VALUE = new ModelParams(llama_model_params.n_gpu_layers(p), llama_model_params.main_gpu(p),
                        SplitMode.values()[llama_model_params.split_mode(p)], llama_model_params.use_mmap(p),
                        llama_model_params.use_mlock(p), llama_model_params.vocab_only(p),
                        llama_model_params.check_tensors(p), null);
            }
        }
    }

    public static final class Builder {
        private int gpuLayers;
        private int mainGpu;
        private SplitMode splitMode;
        private boolean useMmap;
        private boolean useMlock;
        private boolean vocabOnly;
        private boolean checkTensors;
        private LoadProgressListener progress;

        private Builder(ModelParams p) {
            gpuLayers = p.gpuLayers;
            mainGpu = p.mainGpu;
            splitMode = p.splitMode;
            useMmap = p.useMmap;
            useMlock = p.useMlock;
            vocabOnly = p.vocabOnly;
            checkTensors = p.checkTensors;
            progress = p.progress;
        }

        public Builder gpuLayers(int n) { gpuLayers = n; return this; }
        public Builder mainGpu(int gpu) { mainGpu = gpu; return this; }
        public Builder splitMode(SplitMode mode) { splitMode = mode; return this; }
        public Builder useMmap(boolean on) { useMmap = on; return this; }
        public Builder useMlock(boolean on) { useMlock = on; return this; }
        public Builder vocabOnly(boolean on) { vocabOnly = on; return this; }
        public Builder checkTensors(boolean on) { checkTensors = on; return this; }
        public Builder progress(LoadProgressListener listener) { progress = listener; return this; }

        public ModelParams build() {
            return new ModelParams(gpuLayers, mainGpu, splitMode, useMmap, useMlock, vocabOnly, checkTensors, progress);
        }
    }
}
