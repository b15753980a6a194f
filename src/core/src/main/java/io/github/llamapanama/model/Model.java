package io.github.llamapanama.model;


import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufFormatException;
import io.github.llamapanama.internal.LlamaPanamaNative;
import io.github.llamapanama.internal.LogBridge;
import io.github.llamapanama.internal.NativeMemory;
import io.github.llamapanama.internal.NativeResource;
import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.llama_model_params;
import io.github.llamapanama.internal.ffm.llama_progress_callback;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A loaded model (llama_model). Many threads may read it and create contexts from it at once;
 * close it after every {@link Context} made from it.
 *
 * {@snippet :
 * try (Model model = Model.load(Path.of("model.gguf"));
 *      Context ctx = model.newContext(ContextParams.builder().contextSize(4096).build())) {
 *     int[] tokens = model.vocab().tokenize("Hello", true, false);
 * }
 * }
 */
public final class Model extends NativeResource {
    private final Path path;
    private final MemorySegment model;
    private final Vocab vocab;
    private final AtomicInteger openContexts = new AtomicInteger();
    private volatile Map<String, String> metadata;

    private Model(Path path, MemorySegment model) {
        super("model " + path.getFileName());
        this.path = path;
        this.model = model.reinterpret(arena, LlamaNative::llama_model_free);
        bind(this.model);
        this.vocab = new Vocab(this, LlamaNative.llama_model_get_vocab(this.model));
    }

    public static Model load(Path path) {
        return load(path, ModelParams.defaults());
    }

    /**
     * Loads a GGUF model. The file is validated in Java first ({@link GgufFile}), so a wrong path
     * or a corrupt file fails with a clear message instead of reaching llama.cpp.
     *
     * @throws ModelLoadException if llama.cpp refuses the file or the listener cancels
     */
    public static Model load(Path path, ModelParams params) {
        checkGgufFile(path);
        NativeRuntime.ensureInitialized();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment p = params.toNative(call);
            boolean[] cancelled = {false};
            if (params.progress() != null) {
                LoadProgressListener listener = params.progress();
                llama_model_params.progress_callback(p, llama_progress_callback.allocate((fraction, data) -> {
                    try {
                        boolean go = listener.onProgress(fraction);
                        cancelled[0] |= !go;
                        return go;
                    } catch (Throwable t) {
                        cancelled[0] = true; // never unwind into native code
                        return false;
                    }
                }, call));
            }
            LogBridge.beginCapture();
            MemorySegment m;
            String log;
            try {
                m = LlamaNative.llama_model_load_from_file(call.allocateFrom(path.toString()), p);
            } finally {
                log = LogBridge.endCapture();
                // Loading a quantized model converts weights (AMX) in an OpenMP parallel region:
                // its idle team would slow every decode on other threads (Llama.releaseComputeThreads).
                LlamaPanamaNative.releaseComputeThreads();
            }
            if (m.equals(MemorySegment.NULL)) {
                if (cancelled[0]) {
                    throw new ModelLoadException("loading " + path + " was cancelled by its progress listener");
                }
                throw new ModelLoadException("llama.cpp could not load " + path
                        + (log.isEmpty() ? "" : ": " + log.replace('\n', ' ')));
            }
            return new Model(path, m);
        }
    }

    /**
     * Rejects what llama.cpp should never see: a missing file, or one whose GGUF structure
     * (header, metadata, tensor table, offsets, alignment) does not hold up. gguf.cpp asserts
     * on some malformed files, which would end the JVM.
     */
    static void checkGgufFile(Path path) {
        if (!Files.exists(path)) {
            throw new ModelLoadException("model file not found: " + path);
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ModelLoadException("not a readable file: " + path);
        }
        try (GgufFile gguf = GgufFile.open(path)) {
            VocabCheck.check(gguf);
            HparamsCheck.check(gguf);
            TensorTypeCheck.check(gguf);
        } catch (GgufFormatException e) {
            throw new ModelLoadException("not a valid GGUF file: " + path + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Creates an inference context on this model. */
    public Context newContext(ContextParams params) {
        ensureOpen();
        return new Context(this, params);
    }

    public Path path() {
        return path;
    }

    public Vocab vocab() {
        ensureOpen();
        return vocab;
    }

    /** All GGUF metadata as strings (arrays are summarised by llama.cpp), in file order. */
    public Map<String, String> metadata() {
        Map<String, String> m = metadata;
        if (m == null) {
            ensureOpen();
            int n = LlamaNative.llama_model_meta_count(model);
            Map<String, String> all = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                final int index = i;
                all.put(readString((buf, len) -> LlamaNative.llama_model_meta_key_by_index(model, index, buf, len)),
                        readString((buf, len) -> LlamaNative.llama_model_meta_val_str_by_index(model, index, buf, len)));
            }
            metadata = m = Collections.unmodifiableMap(all);
        }
        return m;
    }

    public Optional<String> metadata(String key) {
        return Optional.ofNullable(metadata().get(key));
    }

    /** llama_model_desc, e.g. "qwen2 1B Q8_0". */
    public String description() {
        ensureOpen();
        return readString((buf, len) -> LlamaNative.llama_model_desc(model, buf, len));
    }

    /** Total size of the tensors, in bytes. */
    public long size() {
        ensureOpen();
        return LlamaNative.llama_model_size(model);
    }

    public long parameterCount() {
        ensureOpen();
        return LlamaNative.llama_model_n_params(model);
    }

    public int contextTrainLength() {
        ensureOpen();
        return LlamaNative.llama_model_n_ctx_train(model);
    }

    public int embeddingSize() {
        ensureOpen();
        return LlamaNative.llama_model_n_embd(model);
    }

    public int layerCount() {
        ensureOpen();
        return LlamaNative.llama_model_n_layer(model);
    }

    public int headCount() {
        ensureOpen();
        return LlamaNative.llama_model_n_head(model);
    }

    public int headCountKv() {
        ensureOpen();
        return LlamaNative.llama_model_n_head_kv(model);
    }

    public boolean hasEncoder() {
        ensureOpen();
        return LlamaNative.llama_model_has_encoder(model);
    }

    public boolean hasDecoder() {
        ensureOpen();
        return LlamaNative.llama_model_has_decoder(model);
    }

    /** The file's default chat template (tokenizer.chat_template), if any. */
    public Optional<String> chatTemplate() {
        return chatTemplate(null);
    }

    /** A named chat template from the file (tokenizer.chat_template.NAME), or the default for null. */
    public Optional<String> chatTemplate(String name) {
        ensureOpen();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment t = LlamaNative.llama_model_chat_template(model,
                    name == null ? MemorySegment.NULL : call.allocateFrom(name));
            return t.equals(MemorySegment.NULL) ? Optional.empty()
                    : Optional.of(t.reinterpret(Integer.MAX_VALUE).getString(0));
        }
    }

    void ensureOpenForVocab() {
        ensureOpen();
    }

    void contextOpened() {
        openContexts.incrementAndGet();
    }

    void contextClosed() {
        openContexts.decrementAndGet();
    }

    @Override
    protected void beforeFree() {
        int open = openContexts.get();
        if (open > 0) {
            throw new IllegalStateException("model " + path.getFileName() + " still has " + open
                    + " open context(s): close them before the model");
        }
    }

    /** The allocator keeps a freed model's (projector's) heap: hand it back (see NativeMemory). */
    @Override
    protected void afterFree() {
        NativeMemory.trim();
    }

    /** Calls a llama.cpp "write into buf, return the full length" function, growing buf if needed. */
    static String readString(BiFunction<MemorySegment, Long, Integer> fn) {
        try (Arena call = Arena.ofConfined()) {
            long size = 256;
            while (true) {
                MemorySegment buf = call.allocate(size);
                int n = fn.apply(buf, size);
                if (n < 0) {
                    return "";
                }
                if (n < size) {
                    return buf.getString(0);
                }
                size = n + 1L;
            }
        }
    }

    @Override
    public String toString() {
        return "Model[" + path + (isClosed() ? ", closed]" : "]");
    }
}
