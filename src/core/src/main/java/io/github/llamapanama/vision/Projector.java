package io.github.llamapanama.vision;

import io.github.llamapanama.internal.Handles;
import io.github.llamapanama.Llama;
import io.github.llamapanama.LlamaException;
import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufFormatException;
import io.github.llamapanama.gguf.GgufTensorInfo;
import io.github.llamapanama.internal.LlamaPanamaNative;
import io.github.llamapanama.internal.NativeMemory;
import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.NativeResource;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.mtmd_input_text;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextFullException;
import io.github.llamapanama.model.Model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A vision/audio projector (mtmd_context) for a text {@link Model}: it turns prompts with media
 * markers into {@link InputChunks} and evaluates them into a {@link Context}. Its model must stay
 * open while it is used. Tokenizing is thread-safe; evaluation claims the context.
 *
 * {@snippet :
 * try (Projector projector = Projector.load(Path.of("mmproj.gguf"), model);
 *      Bitmap image = Bitmap.read(projector, Path.of("photo.jpg"));
 *      InputChunks chunks = projector.tokenize("<__media__>\nDescribe this image.", List.of(image), true)) {
 *     int nPast = projector.evaluate(context, chunks, 0, 0).position();
 * }
 * }
 */
public final class Projector extends NativeResource {
    /**
     * Where each projector type's output width lives: a tensor and which of its dimensions, as
     * clip.cpp's clip_n_mmproj_embd reads it. Types not listed are left to mtmd's own check.
     */
    private record OutputWidth(String tensor, int dimension) {}

    private static final Map<String, OutputWidth> OUTPUT_WIDTH = Map.of(
            "internvl", new OutputWidth("mm.model.mlp.3.weight", 1),
            "adapter", new OutputWidth("mm.model.mlp.3.weight", 1),
            "mlp", new OutputWidth("mm.2.weight", 1),
            "pixtral", new OutputWidth("mm.2.weight", 1),
            "mlp_norm", new OutputWidth("mm.3.bias", 0),
            "qwen2vl_merger", new OutputWidth("mm.1.bias", 0),
            "qwen2.5vl_merger", new OutputWidth("mm.1.bias", 0),
            "gemma3", new OutputWidth("mm.input_projection.weight", 0),
            "idefics3", new OutputWidth("mm.model.fc.weight", 1));

    private final Model model;
    private final MemorySegment ctx;
    private final String marker;
    private final boolean vision;
    private final boolean audio;
    private final int imageSize;

    private Projector(Model model, MemorySegment ctx, String marker, int imageSize) {
        super("projector");
        this.model = model;
        this.ctx = ctx.reinterpret(arena, LlamaNative::mtmd_free);
        this.marker = marker;
        this.vision = LlamaNative.mtmd_support_vision(this.ctx);
        this.audio = LlamaNative.mtmd_support_audio(this.ctx);
        this.imageSize = imageSize;
    }

    private String weights = "as in the file";

    public static Projector load(Path mmproj, Model model) {
        return load(mmproj, model, ProjectorParams.defaults());
    }

    /**
     * Loads an mmproj GGUF for {@code model}. The file is validated in Java, and a projector whose
     * output width differs from the model's n_embd is refused before mtmd sees it.
     */
    public static Projector load(Path mmproj, Model model, ProjectorParams params) {
        int imageSize = checkProjectorFile(mmproj, model);
        Bf16Weights.Choice weights = Bf16Weights.choose(mmproj, params);
        try (Arena call = Arena.ofConfined()) {
            LlamaPanamaNative.clipLoadOptions(params.bf16(), params.extraBufferTypes()); // for this thread's load
            MemorySegment c = LlamaNative.mtmd_init_from_file(call.allocateFrom(weights.file().toString()),
                    Handles.of(model), params.toNative(call));
            String loaded = LlamaPanamaNative.clipLoadedReport();
            LlamaPanamaNative.releaseComputeThreads(); // leave no OpenMP team behind on this thread
            if (c.equals(MemorySegment.NULL)) {
                throw new VisionException("mtmd could not load the projector " + mmproj
                        + " (mtmd logs its reason to stderr; ProjectorParams.withVerbose shows more)");
            }
            Projector p = new Projector(model, c, params.mediaMarker(), imageSize);
            p.weights = weights.weights() + (loaded.contains("bf16-attention;") ? "; attention in BF16" : "")
                    + placement(loaded, params);
            return p;
        }
    }

    /** The matrices clip.cpp put in the CPU's extra buffer types, from its "NAME MATRICES MIB;" entries. */
    static String placement(String loaded, ProjectorParams params) {
        if (!params.extraBufferTypes()) {
            return "; extra buffer types turned off";
        }
        StringBuilder sb = new StringBuilder();
        for (String entry : loaded.split(";")) {
            String[] f = entry.trim().split(" ");
            if (f.length == 3) {
                sb.append(sb.isEmpty() ? "; " : ", ").append(f[1]).append(" matrices (").append(f[2])
                        .append(" MiB) in ").append(f[0]);
            }
        }
        return sb.toString();
    }

    /**
     * Which weights the encoder runs with: as in the file, or BF16 converted exactly from the
     * file's F16 on a CPU with BF16 dot products ({@link ProjectorParams#bf16()}), and why; whether
     * attention runs in BF16 (with BF16 weights, or on such a CPU unless turned off); then the matrices kept in the CPU's extra buffer types ({@link ProjectorParams#extraBufferTypes()}),
     * as "; 96 matrices (2.25 MiB) in CPU_AARCH64" (repacked Q4_0 or Q4_K) or "in AMX".
     */
    public String weights() {
        return weights;
    }

    /**
     * Whether projectors loaded in this JVM can run from BF16 weights: the CPU variant ggml picked
     * has BF16 dot products ({@code zen4}, {@code cooperlake}, {@code sapphirerapids}), so an F16
     * projector whose matrices are exact in BF16 runs from a BF16 copy unless
     * {@link ProjectorParams#withBf16(boolean)} turns it off. {@link #weights()} tells what one
     * projector got.
     */
    public static boolean bf16WeightsAvailable() {
        return Bf16Weights.BF16_VARIANTS.contains(Llama.cpuVariant().orElse(""));
    }

    /**
     * The CPU backend's extra buffer types in this JVM, by ggml's names: {@code AMX} (Sapphire
     * Rapids variant) and {@code CPU_AARCH64} (repacked Q4_0 and Q4_K for AVX2 or NEON, named so on
     * every architecture). A projector's matrices go there when their type has kernels in one
     * ({@link ProjectorParams#extraBufferTypes()}); {@link #weights()} tells what one projector got.
     */
    public static List<String> cpuExtraBufferTypes() {
        NativeRuntime.ensureInitialized();
        return LlamaPanamaNative.cpuExtraBufts();
    }

    /** Validates the mmproj file and returns its vision input size (0 without vision). */
    private static int checkProjectorFile(Path mmproj, Model model) {
        if (!Files.isRegularFile(mmproj)) {
            throw new VisionException("projector file not found: " + mmproj);
        }
        if (model.embeddingSize() == 0) {
            throw new VisionException("model " + model.path().getFileName() + " was loaded vocab-only: a projector needs its weights");
        }
        try (GgufFile gguf = GgufFile.open(mmproj)) {
            if (!"clip".equals(gguf.architecture().orElse(""))) {
                throw new VisionException(mmproj + " is not a projector (general.architecture is '"
                        + gguf.architecture().orElse("") + "', not 'clip'): pass the mmproj file, not the model");
            }
            Optional<String> type = gguf.cString("clip.projector_type"); // as clip.cpp reads it: up to a NUL
            if (type.equals(Optional.of("ultravox"))) {
                // clip.cpp at ea1431b0 pads the 1500 encoder positions of a 30 s chunk to a multiple of
                // the stack factor but counts 3000 / factor / 2 output tokens, and aborts when they differ.
                long factor = gguf.integer("clip.audio.projector.stack_factor").orElse(0);
                if (factor < 1 || 1500 % factor != 0) {
                    throw new VisionException("Ultravox projector " + mmproj.getFileName() + " has stack factor " + factor
                            + ", which does not divide the 1500 encoder positions of an audio chunk: llama.cpp "
                            + Llama.llamaCppCommit().substring(0, 8) + " would abort on any audio with it");
                }
            }
            Optional<OutputWidth> where = type.map(OUTPUT_WIDTH::get);
            Optional<GgufTensorInfo> out = where.flatMap(w -> gguf.tensor(w.tensor()));
            if (out.isPresent() && out.get().dimensions() > where.get().dimension()) {
                long width = out.get().dimension(where.get().dimension());
                if (width != model.embeddingSize()) {
                    throw new VisionException("projector " + mmproj.getFileName() + " (" + type.get() + ") outputs "
                            + width + "-wide embeddings but the model's n_embd is " + model.embeddingSize()
                            + ": they do not belong together");
                }
            }
            ProjectorCheck.check(gguf, model.embeddingSize());
            return (int) gguf.integer("clip.vision.image_size").orElse(0);
        } catch (GgufFormatException e) {
            throw new VisionException("not a valid GGUF file: " + mmproj + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new VisionException("cannot read " + mmproj + ": " + e.getMessage(), e);
        }
    }

    public boolean supportsVision() {
        return vision;
    }

    public boolean supportsAudio() {
        return audio;
    }

    /** Sample rate the audio encoder expects, or -1 without audio support. */
    public int audioSampleRate() {
        return call(LlamaNative::mtmd_get_audio_bitrate);
    }

    /** The side of the square images the vision encoder takes (InternVL: 448), or 0. */
    public int imageSize() {
        return imageSize;
    }

    /** The prompt text that stands for one media item. */
    public String mediaMarker() {
        return marker;
    }

    public Model model() {
        return model;
    }

    /** True when the model decodes media with non-causal attention (mtmd handles it). */
    public boolean usesNonCausalDecode() {
        return call(LlamaNative::mtmd_decode_use_non_causal);
    }

    public boolean usesMrope() {
        return call(LlamaNative::mtmd_decode_use_mrope);
    }

    /**
     * Splits a prompt into chunks, one media chunk per marker (mtmd_tokenize).
     *
     * @param addSpecial add BOS as the model wants (true for the start of a sequence)
     */
    public InputChunks tokenize(String prompt, List<Bitmap> media, boolean addSpecial) {
        int markers = count(prompt, marker);
        if (markers != media.size()) {
            throw new VisionException("the prompt has " + markers + " media marker(s) '" + marker + "' but "
                    + media.size() + " image/audio item(s) were given: they must match one to one");
        }
        for (Bitmap b : media) {
            if (b.isAudio()) {
                requireAudio();
            } else {
                requireVision();
            }
        }
        ensureOpen();
        model.vocab(); // throws if the model was closed
        try (Arena call = Arena.ofConfined()) {
            MemorySegment text = mtmd_input_text.allocate(call);
            mtmd_input_text.text(text, call.allocateFrom(prompt));
            mtmd_input_text.add_special(text, addSpecial);
            mtmd_input_text.parse_special(text, true);
            MemorySegment bitmaps = call.allocate(ValueLayout.ADDRESS, Math.max(1, media.size()));
            for (int i = 0; i < media.size(); i++) {
                bitmaps.setAtIndex(ValueLayout.ADDRESS, i, media.get(i).handle());
            }
            InputChunks chunks = new InputChunks(LlamaNative.mtmd_input_chunks_init());
            int rc = LlamaNative.mtmd_tokenize(ctx, chunks.handle(), text, bitmaps, media.size());
            if (rc != 0) {
                chunks.close();
                throw new VisionException(rc == 1 ? "mtmd found a different number of markers than media items"
                        : rc == 2 ? "mtmd could not preprocess an image" : "mtmd_tokenize failed with " + rc);
            }
            return chunks;
        }
    }

    /** Where a sequence stands after {@link #evaluate}, and what the media cost. */
    public record Evaluation(int position, int mediaItems, double encodeMillis, double decodeMillis) {}

    /**
     * Evaluates chunks into sequence {@code seqId} of {@code context} from position
     * {@code position}: text chunks are decoded, media chunks encoded by the projector and their
     * embeddings decoded. The logits of the last chunk's last token are kept.
     *
     * @throws ContextFullException if the chunks do not fit in the context
     */
    public Evaluation evaluate(Context context, InputChunks chunks, int position, int seqId) {
        return evaluate(context, chunks, position, seqId, null);
    }

    /**
     * Like {@link #evaluate(Context, InputChunks, int, int)}, where media item {@code i} of the
     * prompt was given as {@code tilesPerMedia[i]} consecutive tiles (one marker each): the
     * wrapper text mtmd puts between two tiles of one item is skipped, so the model sees one
     * {@code <img>}, every tile's embeddings, then one {@code </img>}, as InternVL was trained.
     */
    public Evaluation evaluate(Context context, InputChunks chunks, int position, int seqId, int[] tilesPerMedia) {
        int needed = chunks.positionCount();
        if ((long) position + needed >= context.contextSize()) {
            throw new ContextFullException("the prompt with its media needs " + needed + " positions from " + position
                    + " but the context holds " + context.contextSize() + " tokens");
        }
        if (seqId < 0 || seqId >= context.maxSequences()) {
            throw new IllegalArgumentException("sequence " + seqId + " is outside [0, " + context.maxSequences() + ")");
        }
        ensureOpen();
        context.acquire();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment lctx = Handles.of(context);
            MemorySegment newPos = call.allocate(ValueLayout.JAVA_INT);
            int n = chunks.size();
            int media = 0;
            long encode = 0;
            long decode = 0;
            int item = 0;          // which media item the next media chunk belongs to
            int tilesLeft = tilesPerMedia == null || tilesPerMedia.length == 0 ? 1 : tilesPerMedia[0];
            int[] between = tilesPerMedia == null ? null : tileSeparator();
            for (int i = 0; i < n; i++) {
                MemorySegment chunk = chunks.nativeChunk(i);
                boolean last = i == n - 1;
                int type = LlamaNative.mtmd_input_chunk_get_type(chunk);
                long t0 = System.nanoTime();
                int rc;
                if (type == LlamaNative.MTMD_INPUT_CHUNK_TYPE_TEXT() && between != null && media > 0 && tilesLeft > 0
                        && tilesLeft < tilesPerMedia[item]) {
                    // between two tiles of one item: only the wrapper "</img><img>" may stand here
                    int[] text = chunks.chunk(i).textTokens();
                    if (!java.util.Arrays.equals(text, between)) {
                        throw new VisionException("text between the tiles of one image: tiles must come from one marker");
                    }
                    continue;
                } else if (type == LlamaNative.MTMD_INPUT_CHUNK_TYPE_TEXT()) {
                    rc = LlamaNative.mtmd_helper_eval_chunk_single(ctx, lctx, chunk, position, seqId,
                            context.batchSize(), last, newPos);
                    decode += System.nanoTime() - t0;
                } else {
                    media++;
                    if (tilesPerMedia != null) {
                        if (item >= tilesPerMedia.length) {
                            throw new IllegalArgumentException("more media chunks than tilesPerMedia describes");
                        }
                        if (--tilesLeft == 0 && ++item < tilesPerMedia.length) {
                            tilesLeft = tilesPerMedia[item];
                        }
                    }
                    int tokens = (int) LlamaNative.mtmd_input_chunk_get_n_tokens(chunk);
                    MemorySegment embd = call.allocate((long) tokens * model.embeddingSize() * Float.BYTES);
                    encodeInto(chunk, embd, "media chunk " + i);
                    long t1 = System.nanoTime();
                    encode += t1 - t0;
                    if (usesMrope()) { // M-RoPE positions: mtmd's helper lays them out (and prints progress to stdout)
                        rc = LlamaNative.mtmd_helper_decode_image_chunk(ctx, lctx, chunk, embd,
                                position, seqId, context.batchSize(), newPos);
                    } else {
                        decodeEmbeddings(context, embd, tokens, position, seqId, last);
                        newPos.set(ValueLayout.JAVA_INT, 0, position + tokens);
                        rc = 0;
                    }
                    decode += System.nanoTime() - t1;
                }
                if (rc != 0) {
                    throw new LlamaException("evaluating chunk " + i + " failed (" + rc + ")"
                            + (rc == 1 ? ": the KV cache is full" : ""));
                }
                position = newPos.get(ValueLayout.JAVA_INT, 0);
            }
            return new Evaluation(position, media, encode / 1e6, decode / 1e6);
        } finally {
            context.release();
        }
    }

    /** The tokens mtmd puts between two media items: the end wrapper, then the begin wrapper. */
    private int[] tileSeparator() {
        try (Bitmap probe = Bitmap.ofRgb(1, 1, new byte[3]);
             InputChunks two = tokenize(marker + marker, List.of(probe, probe), false)) {
            List<Chunk> chunks = two.chunks(); // text <img>, media, text </img><img>, media, text </img>
            for (int i = 1; i < chunks.size() - 1; i++) {
                if (chunks.get(i).type() == ChunkType.TEXT) {
                    return chunks.get(i).textTokens();
                }
            }
            return new int[0];
        }
    }

    /**
     * Decodes {@code tokens} embeddings (n_embd floats each) at consecutive positions of
     * {@code seqId}, in batches of n_batch, with non-causal attention where the projector wants
     * it. This is what mtmd's helper does for models without M-RoPE, minus its printing to stdout.
     */
    void decodeEmbeddings(Context context, MemorySegment embeddings, int tokens, int position, int seqId, boolean logitsLast) {
        int nEmbd = model.embeddingSize();
        MemorySegment all = embeddings.reinterpret((long) tokens * nEmbd * Float.BYTES);
        boolean nonCausal = usesNonCausalDecode();
        try (io.github.llamapanama.model.Batch batch = io.github.llamapanama.model.Batch.ofEmbeddings(
                Math.min(tokens, context.batchSize()), nEmbd, 1)) {
            if (nonCausal) {
                context.setCausalAttention(false);
            }
            for (int start = 0; start < tokens; start += batch.capacity()) {
                batch.clear();
                for (int i = start; i < Math.min(tokens, start + batch.capacity()); i++) {
                    batch.addEmbedding(all, (long) i * nEmbd * Float.BYTES, position + i, seqId, logitsLast && i == tokens - 1);
                }
                context.decode(batch);
            }
        } finally {
            if (nonCausal) {
                context.setCausalAttention(true);
            }
        }
    }

    /**
     * Encodes one media chunk and returns its embeddings (tokens x n_embd floats), copied out of
     * mtmd's buffer, which the next encode overwrites.
     */
    public float[] encode(InputChunks chunks, int index) {
        MemorySegment chunk = chunks.nativeChunk(index);
        if (LlamaNative.mtmd_input_chunk_get_type(chunk) == LlamaNative.MTMD_INPUT_CHUNK_TYPE_TEXT()) {
            throw new IllegalArgumentException("chunk " + index + " is text, not media");
        }
        float[] out = new float[Math.toIntExact(LlamaNative.mtmd_input_chunk_get_n_tokens(chunk) * model.embeddingSize())];
        encodeInto(chunk, MemorySegment.ofArray(out), "media chunk " + index);
        return out;
    }

    /**
     * Encodes a media chunk and returns its embeddings ({@code chunk.tokens()} x n_embd floats),
     * copied out of mtmd's output buffer. The encoder runs on the calling thread with the
     * projector's own threads, not the text context's, so it may run beside a decode of the
     * model; encodes of one projector run one at a time.
     */
    public float[] encode(MediaChunk chunk) {
        float[] out = new float[Math.toIntExact((long) chunk.tokens() * model.embeddingSize())];
        encodeInto(chunk.handle(), MemorySegment.ofArray(out), chunk.toString());
        return out;
    }

    /**
     * Encodes a media chunk and copies its embeddings ({@code into}'s size: tokens x n_embd floats)
     * out of mtmd's output buffer, which is one per mtmd context: encodes of one projector run one
     * at a time, each copied out before the next overwrites it.
     */
    private void encodeInto(MemorySegment chunk, MemorySegment into, String what) {
        ensureOpen();
        synchronized (this) {
            int rc = LlamaNative.mtmd_encode_chunk(ctx, chunk);
            if (rc != 0) {
                throw new VisionException("mtmd could not encode " + what + " (" + rc + ")");
            }
            into.copyFrom(LlamaNative.mtmd_get_output_embd(ctx).reinterpret(into.byteSize()));
        }
    }

    /**
     * True when a media chunk's embeddings may be decoded a few at a time ({@link #decode} with
     * a part): causal attention and plain positions. With M-RoPE or non-causal attention a
     * chunk must be decoded whole.
     */
    public boolean decodesInParts() {
        return !usesMrope() && !usesNonCausalDecode();
    }

    /**
     * Decodes embeddings {@code [from, from + count)} of {@code chunk} (as {@link #encode}
     * returned them, or from a cache) into sequence {@code seqId}, the first at {@code position},
     * and returns the position after them. Unless {@link #decodesInParts()}, the part must be
     * the whole chunk. The logits of the last embedding are kept when {@code logitsLast}.
     */
    public int decode(Context context, MediaChunk chunk, float[] embeddings, int from, int count, int position,
                      int seqId, boolean logitsLast) {
        int nEmbd = model.embeddingSize();
        if (embeddings.length != (long) chunk.tokens() * nEmbd) {
            throw new IllegalArgumentException("embeddings of " + embeddings.length + " floats do not fit "
                    + chunk.tokens() + " tokens of " + nEmbd);
        }
        if (from < 0 || count < 1 || from + count > chunk.tokens()) {
            throw new IllegalArgumentException("part [" + from + ", " + (from + count) + ") is outside the chunk's "
                    + chunk.tokens() + " tokens");
        }
        boolean whole = from == 0 && count == chunk.tokens();
        if (!whole && !decodesInParts()) {
            throw new IllegalArgumentException("this projector's media must be decoded whole");
        }
        if (seqId < 0 || seqId >= context.maxSequences()) {
            throw new IllegalArgumentException("sequence " + seqId + " is outside [0, " + context.maxSequences() + ")");
        }
        ensureOpen();
        if (usesMrope()) {
            context.acquire();
            try (Arena call = Arena.ofConfined()) {
                MemorySegment embd = call.allocateFrom(ValueLayout.JAVA_FLOAT, embeddings);
                MemorySegment newPos = call.allocate(ValueLayout.JAVA_INT);
                int rc = LlamaNative.mtmd_helper_decode_image_chunk(ctx, Handles.of(context), chunk.handle(), embd,
                        position, seqId, context.batchSize(), newPos);
                if (rc != 0) {
                    throw new LlamaException("decoding " + chunk + " failed (" + rc + ")");
                }
                return newPos.get(ValueLayout.JAVA_INT, 0);
            } finally {
                context.release();
            }
        }
        MemorySegment all = MemorySegment.ofArray(embeddings);
        boolean nonCausal = usesNonCausalDecode();
        try (io.github.llamapanama.model.Batch batch = io.github.llamapanama.model.Batch.ofEmbeddings(
                Math.min(count, context.batchSize()), nEmbd, 1)) {
            if (nonCausal) {
                context.setCausalAttention(false);
            }
            for (int start = 0; start < count; start += batch.capacity()) {
                batch.clear();
                for (int i = start; i < Math.min(count, start + batch.capacity()); i++) {
                    batch.addEmbedding(all, (long) (from + i) * nEmbd * Float.BYTES, position + i, seqId,
                            logitsLast && i == count - 1);
                }
                context.decode(batch);
            }
        } finally {
            if (nonCausal) {
                context.setCausalAttention(true);
            }
        }
        return position + count;
    }

    Bitmap decodeMedia(byte[] data, MediaFormat format) {
        ensureOpen();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment buf = call.allocateFrom(ValueLayout.JAVA_BYTE, data);
            MemorySegment b = LlamaNative.mtmd_helper_bitmap_init_from_buf(ctx, buf, data.length);
            if (b.equals(MemorySegment.NULL)) {
                throw new VisionException("corrupt " + format + (format.isAudio() ? " audio" : " image")
                        + ": the decoder could not read it");
            }
            return Bitmap.created(b, format.name());
        }
    }

    void requireVision() {
        if (!vision) {
            throw new VisionException("this projector has no vision encoder: it cannot take images");
        }
    }

    void requireAudio() {
        if (!audio) {
            throw new VisionException("this projector has no audio encoder: it cannot take audio");
        }
    }

    private <T> T call(java.util.function.Function<MemorySegment, T> fn) {
        ensureOpen();
        return fn.apply(ctx);
    }

    static int count(String text, String marker) {
        int n = 0;
        for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + marker.length())) {
            n++;
        }
        return n;
    }

    /** The allocator keeps a freed model's (projector's) heap: hand it back (see NativeMemory). */
    @Override
    protected void afterFree() {
        NativeMemory.trim();
    }
}
