package io.github.llamapanama.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A GGUF file, opened read-only and memory-mapped. {@link #open} parses and validates the
 * header, metadata and tensor table; tensor data is not touched until {@link #tensorData} is
 * read, so opening a multi-GB model costs only its metadata. A file that is not well formed is
 * refused with a {@link GgufFormatException} that names the problem and its offset.
 *
 * <p>Closing unmaps the file; segments from {@link #tensorData} are then no longer accessible.
 */
public final class GgufFile implements AutoCloseable {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped;
    private final GgufReader.Parsed parsed;
    private final Map<String, GgufTensorInfo> tensorsByName;

    private GgufFile(Path path, Arena arena, MemorySegment mapped, GgufReader.Parsed parsed) {
        this.path = path;
        this.arena = arena;
        this.mapped = mapped;
        this.parsed = parsed;
        Map<String, GgufTensorInfo> byName = new LinkedHashMap<>();
        for (GgufTensorInfo t : parsed.tensors()) {
            byName.put(t.name(), t);
        }
        this.tensorsByName = byName;
    }

    /**
     * Maps and validates a GGUF file.
     *
     * @throws GgufFormatException if the file is not a well-formed GGUF v2/v3 file
     * @throws IOException         if it cannot be read
     */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            GgufReader.Parsed parsed = GgufReader.parse(mapped, path.toString());
            return new GgufFile(path, arena, mapped, parsed);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** GGUF format version: 2 or 3. */
    public int version() {
        return parsed.version();
    }

    /** Alignment of tensor data ({@code general.alignment}, 32 when absent). */
    public int alignment() {
        return parsed.alignment();
    }

    /** File offset where tensor data starts. */
    public long dataOffset() {
        return parsed.dataOffset();
    }

    public long fileSize() {
        return mapped.byteSize();
    }

    /** All metadata, in file order. */
    public Map<String, GgufValue> metadata() {
        return parsed.metadata();
    }

    public Optional<GgufValue> value(String key) {
        return Optional.ofNullable(parsed.metadata().get(key));
    }

    /** A string value, empty if absent or not a string. */
    public Optional<String> string(String key) {
        return value(key).filter(v -> v.type() == GgufValueType.STRING).map(GgufValue::asString);
    }

    /**
     * A string value as llama.cpp and clip.cpp read it ({@code gguf_get_val_str} into a
     * {@code std::string}): up to its first NUL. Empty if absent or not a string.
     *
     * @see CStrings
     */
    public Optional<String> cString(String key) {
        return string(key).map(CStrings::cut);
    }

    /**
     * A string array's elements as llama.cpp reads them ({@code gguf_get_arr_str} into a
     * {@code std::string}): each element's bytes up to its first NUL, as a byte string (one
     * ISO-8859-1 char per byte, {@link CStrings#latin1}), so that two elements are equal exactly
     * when llama.cpp's are, malformed UTF-8 included. Empty if absent or not a string array.
     */
    public Optional<List<String>> cStringBytes(String key) {
        Optional<GgufValue> v = value(key);
        Long at = parsed.valueOffsets().get(key);
        if (v.isEmpty() || !v.get().isArray() || v.get().elementType() != GgufValueType.STRING || at == null) {
            return Optional.empty();
        }
        int n = v.get().size();
        String[] out = new String[n];
        long pos = at + 8; // the count, checked by the reader
        byte[] buf = new byte[256];
        for (int i = 0; i < n; i++) {
            int len = (int) mapped.get(U64, pos);
            pos += 8;
            if (buf.length < len) {
                buf = new byte[Math.max(len, buf.length * 2)];
            }
            MemorySegment.copy(mapped, ValueLayout.JAVA_BYTE, pos, buf, 0, len);
            pos += len;
            int end = 0;
            while (end < len && buf[end] != 0) {
                end++;
            }
            out[i] = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
        }
        return Optional.of(List.of(out));
    }

    /** An integer value, empty if absent or not an integer. */
    public OptionalLong integer(String key) {
        return value(key).filter(v -> v.type().isInteger())
                .map(v -> OptionalLong.of(v.asLong())).orElse(OptionalLong.empty());
    }

    /**
     * {@code general.architecture}: qwen2, llama, clip, ...; as llama.cpp reads it, up to a NUL
     * ({@link #cString}), since that is the name it builds the architecture's keys from.
     */
    public Optional<String> architecture() {
        return cString(GgufKeys.GENERAL_ARCHITECTURE);
    }

    /** {@code general.name}. */
    public Optional<String> name() {
        return string(GgufKeys.GENERAL_NAME);
    }

    /** {@code <arch>.context_length}: the context the model was trained with. */
    public OptionalLong contextLength() {
        return archInteger(GgufKeys.CONTEXT_LENGTH);
    }

    /** {@code <arch>.embedding_length}. */
    public OptionalLong embeddingLength() {
        return archInteger(GgufKeys.EMBEDDING_LENGTH);
    }

    /** {@code <arch>.block_count}: number of layers. */
    public OptionalLong blockCount() {
        return archInteger(GgufKeys.BLOCK_COUNT);
    }

    /** {@code tokenizer.chat_template}: the Jinja template, up to a NUL as llama.cpp reads it. */
    public Optional<String> chatTemplate() {
        return cString(GgufKeys.CHAT_TEMPLATE);
    }

    /**
     * {@code tokenizer.ggml.model}: gpt2 (byte-level BPE), llama (SentencePiece), bert, ...; up to
     * a NUL, as llama.cpp reads it.
     */
    public Optional<String> tokenizerModel() {
        return cString(GgufKeys.TOKENIZER_MODEL);
    }

    /** {@code tokenizer.ggml.pre}: the pre-tokenizer of a BPE vocabulary (qwen2, llama-bpe, ...), up to a NUL. */
    public Optional<String> tokenizerPre() {
        return cString(GgufKeys.TOKENIZER_PRE);
    }

    /** Number of entries in {@code tokenizer.ggml.tokens}, 0 without a vocabulary. */
    public int vocabularySize() {
        return value(GgufKeys.TOKENIZER_TOKENS).map(GgufValue::size).orElse(0);
    }

    /** {@code general.file_type}, empty when absent or not a known llama_ftype. */
    public Optional<GgufFileType> fileType() {
        OptionalLong id = integer(GgufKeys.GENERAL_FILE_TYPE);
        return id.isPresent() ? GgufFileType.fromId(id.getAsLong()) : Optional.empty();
    }

    public List<GgufTensorInfo> tensors() {
        return parsed.tensors();
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    /** Total elements of all tensors: the parameter count. */
    public long parameterCount() {
        long n = 0;
        for (GgufTensorInfo t : parsed.tensors()) {
            n += t.elementCount();
        }
        return n;
    }

    /** Bytes of all tensor data, without padding. */
    public long tensorBytes() {
        long n = 0;
        for (GgufTensorInfo t : parsed.tensors()) {
            n += t.byteSize();
        }
        return n;
    }

    private OptionalLong archInteger(String key) {
        Optional<String> arch = architecture();
        return arch.isPresent() ? integer(GgufKeys.arch(key, arch.get())) : OptionalLong.empty();
    }

    /** A read-only view of a tensor's data, valid until this file is closed. */
    public MemorySegment tensorData(GgufTensorInfo tensor) {
        if (tensorsByName.get(tensor.name()) != tensor && !tensor.equals(tensorsByName.get(tensor.name()))) {
            throw new IllegalArgumentException("not a tensor of " + path + ": " + tensor);
        }
        return mapped.asSlice(parsed.dataOffset() + tensor.offset(), tensor.byteSize()).asReadOnly();
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version() + ", " + metadata().size() + " keys, "
                + tensors().size() + " tensors]";
    }
}
