package io.github.llamapanama.provider;

import io.github.llamapanama.chat.ChatMessage;
import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.chat.ToolCallStream;
import io.github.llamapanama.chat.ToolSpec;
import io.github.llamapanama.embedding.Embedder;
import io.github.llamapanama.generation.Generation;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.Generator;
import io.github.llamapanama.generation.PieceListener;
import io.github.llamapanama.hub.HfHub;
import io.github.llamapanama.hub.HfRepo;
import io.github.llamapanama.hub.ModelPair;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.ModelParams;
import io.github.llamapanama.model.PoolingType;
import io.github.llamapanama.model.Vocab;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.sampling.SamplingParams;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.InputChunks;
import io.github.llamapanama.vision.MediaLimits;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.ProjectorParams;
import io.github.llamapanama.vision.VisionException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A model (and projector) ready to answer whole conversations from many threads: what the
 * LangChain4j and Spring AI adapters are built on. Frameworks hand over the full history on
 * every call; this class keeps a pool of contexts, and each call takes the free context whose KV
 * cache already holds the longest prefix of its conversation (text and media), so a follow-up
 * turn evaluates only what was added.
 *
 * <p><b>Threads: a pool of contexts, not a queue.</b> Each context is driven by one thread at a
 * time, on the caller's thread (decoding there costs no hand-off per token, and a streaming
 * callback runs where the tokens are made). {@link Builder#poolSize(int)} contexts let that many
 * conversations run at once, each keeping its own KV cache for its next turn; further callers
 * wait in arrival order (a fair semaphore) for a context to come free. A single queue with one
 * worker thread would serialise all conversations and would leave a single KV cache to be
 * thrown away whenever two conversations interleave. Each context costs its KV cache in memory
 * ({@link Builder#contextSize(int)} tokens), so the pool is small by default (1).
 *
 * <p>Every call ends by freeing the calling thread's compute threads, since frameworks call from
 * long-lived threads of their own.
 */
public final class LocalModel implements AutoCloseable {
    private final Model model;
    private final Projector projector; // null: text only
    private final ChatTemplate template;
    private final Pool<Slot> slots;
    private final ContextParams contextParams;
    private final int embeddingPoolSize;
    private final MediaLimits mediaLimits;
    private final MediaFetcher fetcher;
    private final String name;
    private volatile Pool<Embedder> embedders;

    private LocalModel(Builder b, Path modelPath, Path mmprojPath) {
        Model m = Model.load(modelPath, ModelParams.builder().gpuLayers(b.gpuLayers).build());
        List<Slot> created = new ArrayList<>();
        Projector p = null;
        try {
            ProjectorParams pp = ProjectorParams.defaults();
            if (b.threads > 0) {
                pp = pp.withThreads(b.threads);
            }
            p = mmprojPath == null ? null : Projector.load(mmprojPath, m, pp.withUseGpu(b.gpuLayers != 0));
            this.template = b.chatTemplate != null ? b.chatTemplate : ChatTemplate.of(m, "chatml");
            ContextParams.Builder cp = ContextParams.builder().contextSize(b.contextSize).maxSequences(1);
            if (b.threads > 0) {
                cp.threads(b.threads);
            }
            this.contextParams = cp.build();
            for (int i = 0; i < b.poolSize; i++) {
                created.add(new Slot(m.newContext(contextParams)));
            }
        } catch (RuntimeException e) {
            created.forEach(Slot::close);
            if (p != null) {
                p.close();
            }
            m.close();
            throw e;
        }
        this.model = m;
        this.projector = p;
        this.slots = new Pool<>(created);
        this.embeddingPoolSize = b.poolSize;
        this.mediaLimits = b.mediaLimits;
        this.fetcher = new MediaFetcher(b.mediaLimits.maxBytes(), b.allowedMediaDirectory, !b.allowRemoteMedia ? null
                : new RemoteFetch(new AddressPolicy(b.allowedMediaHosts), b.fetchTimeout, b.mediaLimits.maxBytes(),
                        b.mediaResolver));
        this.name = b.name != null ? b.name : modelPath.getFileName().toString();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Model model() {
        return model;
    }

    /** The projector, when the model was built with one. */
    public java.util.Optional<Projector> projector() {
        return java.util.Optional.ofNullable(projector);
    }

    public ChatTemplate template() {
        return template;
    }

    /** A name for the model, for framework metadata: the file name unless the builder named it. */
    public String name() {
        return name;
    }

    /** Reads media named by URL by the server's rules (see {@link MediaFetcher}). */
    public MediaFetcher mediaFetcher() {
        return fetcher;
    }

    /** Contexts in the pool: how many conversations run at once. */
    public int poolSize() {
        return slots.size();
    }

    /** Answers a conversation; see {@link #chat(List, SamplingParams, GenerationParams, PieceListener, BooleanSupplier)}. */
    public Answer chat(List<Turn> turns, SamplingParams sampling, GenerationParams generation) {
        return chat(turns, sampling, generation, piece -> { }, () -> false);
    }

    /**
     * Answers the last message of a conversation, on the calling thread: renders the turns with
     * the chat template (assistant opener added), reuses the KV cache of a pooled context up to
     * the longest prefix it holds, evaluates the rest (media through the projector), then
     * generates. Pieces go to {@code listener} as they are made; {@code cancelled} is polled
     * after each piece and stops the answer (finish reason CANCELLED).
     *
     * @throws io.github.llamapanama.model.ContextFullException if the prompt does not fit
     * @throws VisionException if media cannot be read or the model has no projector
     */
    public Answer chat(List<Turn> turns, SamplingParams sampling, GenerationParams generation, PieceListener listener,
                       BooleanSupplier cancelled) {
        return chat(turns, List.of(), sampling, generation, listener, cancelled);
    }

    /**
     * Like {@link #chat(List, SamplingParams, GenerationParams, PieceListener, BooleanSupplier)},
     * with tools the model may call: the template shows them (the model's Jinja template, or the
     * Hermes system prompt for one that cannot), and the answer's {@code <tool_call>} blocks come
     * back parsed as {@link Answer#toolCalls()}. Constrain {@code sampling} with
     * {@link io.github.llamapanama.chat.ToolGrammar} to force a call. {@code listener} gets the raw
     * text, calls included.
     */
    public Answer chat(List<Turn> turns, List<ToolSpec> tools, SamplingParams sampling, GenerationParams generation,
                       PieceListener listener, BooleanSupplier cancelled) {
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(generation, "generation");
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one message");
        }
        String marker = projector == null ? "" : projector.mediaMarker(); // no media without a projector
        List<ChatMessage> messages = new ArrayList<>(turns.size());
        List<Media> media = new ArrayList<>();
        for (Turn t : turns) {
            messages.add(t.message(marker));
            media.addAll(t.media());
        }
        if (!media.isEmpty() && projector == null) {
            throw new VisionException("this model has no projector (mmproj): it cannot read images or audio");
        }
        String prompt = tools.isEmpty() ? template.apply(messages, true) : template.render(messages, tools, true);
        List<String> ids = media.stream().map(Media::id).toList();
        Slot slot = slots.acquire(s -> s.reusable(prompt, ids).textLength());
        try (Sampler sampler = Sampler.of(sampling, model.vocab(), contextParams.contextSize())) {
            Answer raw = run(slot, prompt, media, ids, sampler, generation, listener, cancelled);
            if (tools.isEmpty()) {
                return raw;
            }
            ToolCallStream.Parsed parsed = ToolCallStream.parse(raw.text(), tools);
            return new Answer(parsed.content(), parsed.toolCalls(), raw.tokens(), raw.finishReason(), raw.promptTokens(),
                    raw.cachedTokens(), raw.completionTokens());
        } catch (RuntimeException | Error e) {
            slot.forget();
            throw e;
        } finally {
            slots.release(slot);
            ComputeThreads.release();
        }
    }

    private Answer run(Slot slot, String prompt, List<Media> media, List<String> ids, Sampler sampler,
                       GenerationParams params, PieceListener listener, BooleanSupplier cancelled) {
        Context context = slot.context;
        Slot.Checkpoint from = slot.reusable(prompt, ids);
        context.kvCache().remove(0, from.position(), -1);
        String delta = prompt.substring(from.textLength());
        List<Media> newMedia = media.subList(from.mediaCount(), media.size());
        int promptEnd;
        Generator generator;
        Generation generation;
        if (projector != null) {
            promptEnd = evaluate(context, delta, newMedia, from.position());
            generator = new Generator(context, sampler, 0, 0);
            slot.evaluated(from, prompt, ids, promptEnd);
            generation = generator.generateAfterEvaluated(promptEnd, params);
        } else {
            int[] tokens = model.vocab().tokenize(delta, from.position() == 0, true);
            generator = new Generator(context, sampler, 0, from.position());
            promptEnd = from.position() + tokens.length;
            generation = generator.generate(tokens, params);
        }
        try (generator) {
            Generation g = generation;
            StringBuilder text = new StringBuilder();
            GenerationResult r = g.forEach(piece -> {
                text.append(piece);
                listener.onPiece(piece);
                if (cancelled.getAsBoolean()) {
                    g.cancel();
                }
            });
            if (projector == null) {
                slot.evaluated(from, prompt, ids, promptEnd);
            }
            int decoded = generator.position() - promptEnd;
            slot.answered(text(r.tokens(), decoded), generator.position());
            return new Answer(text.toString(), List.of(), r.tokens(), r.finishReason(), promptEnd, from.position(), r.tokens().length);
        }
    }

    /** Evaluates prompt text with its media from {@code position}; returns the new position. */
    private int evaluate(Context context, String text, List<Media> items, int position) {
        List<Bitmap> bitmaps = new ArrayList<>(items.size());
        try {
            for (Media m : items) {
                bitmaps.add(Bitmap.decode(projector, m.data(), mediaLimits));
            }
            try (InputChunks chunks = projector.tokenize(text, bitmaps, position == 0)) {
                return projector.evaluate(context, chunks, position, 0).position();
            }
        } finally {
            bitmaps.forEach(Bitmap::close);
        }
    }

    /** The text of the first {@code n} tokens, specials rendered: what the KV cache holds after the prompt. */
    private String text(int[] tokens, int n) {
        Vocab vocab = model.vocab();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < Math.min(n, tokens.length); i++) {
            bytes.writeBytes(vocab.tokenBytes(tokens[i], true));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Embeds each text with the model's pooling (MEAN for a model without one), unit length when
     * {@code normalize}. Embedders (one context each, made on first use) are pooled like the chat
     * contexts.
     */
    public List<float[]> embed(List<String> texts, boolean normalize) {
        if (texts.isEmpty()) {
            return List.of();
        }
        Pool<Embedder> pool = embedders();
        Embedder e = pool.acquire(x -> 0);
        try {
            return e.embed(texts, normalize);
        } finally {
            pool.release(e);
            ComputeThreads.release();
        }
    }

    /** Width of {@link #embed} vectors. */
    public int embeddingDimensions() {
        return model.embeddingSize();
    }

    private Pool<Embedder> embedders() {
        Pool<Embedder> p = embedders;
        if (p == null) {
            synchronized (this) {
                if (embedders == null) {
                    List<Embedder> list = new ArrayList<>();
                    try {
                        for (int i = 0; i < embeddingPoolSize; i++) {
                            list.add(Embedder.create(model, contextParams.toBuilder().contextSize(0)
                                    .pooling(PoolingType.UNSPECIFIED).build()));
                        }
                    } catch (RuntimeException e) {
                        list.forEach(Embedder::close);
                        throw e;
                    }
                    embedders = new Pool<>(list);
                }
                p = embedders;
            }
        }
        return p;
    }

    /** Frees the contexts, the projector and the model; no call may be running. */
    @Override
    public void close() {
        Pool<Embedder> e = embedders;
        if (e != null) {
            e.close();
        }
        slots.close();
        if (projector != null) {
            projector.close();
        }
        model.close();
    }

    /** Where the model comes from and how it runs. */
    public static final class Builder {
        private Path modelPath;
        private Path mmprojPath;
        private String huggingFace;
        private HfHub hub;
        private int contextSize = 4096;
        private int threads = -1;
        private int gpuLayers = 0;
        private int poolSize = 1;
        private ChatTemplate chatTemplate;
        private MediaLimits mediaLimits = MediaLimits.defaults();
        private Path allowedMediaDirectory;
        private Duration fetchTimeout = Duration.ofSeconds(30);
        private boolean allowRemoteMedia;
        private java.util.List<String> allowedMediaHosts = java.util.List.of();
        private RemoteFetch.Resolver mediaResolver = RemoteFetch.SYSTEM;
        private String name;

        private Builder() {}

        /** A local GGUF file. */
        public Builder modelPath(Path path) { this.modelPath = path; return this; }
        /** The projector (mmproj) GGUF for images or audio; optional for a text-only model. */
        public Builder mmprojPath(Path path) { this.mmprojPath = path; return this; }
        /**
         * A Hugging Face repo, {@code owner/name[:QUANT]}: the model and its mmproj are downloaded
         * into the hub's cache on first use (HF_TOKEN, HF_ENDPOINT, HF_HUB_OFFLINE honoured).
         */
        public Builder huggingFace(String repo) { this.huggingFace = repo; return this; }
        /** The hub client for {@link #huggingFace}; by default one from the environment. */
        public Builder hub(HfHub hub) { this.hub = hub; return this; }
        /** KV cache size of each pooled context, in tokens (4096); 0 = the model's training context. */
        public Builder contextSize(int n) { this.contextSize = n; return this; }
        /** Compute threads; by default the available processors. */
        public Builder threads(int n) { this.threads = n; return this; }
        /** Layers to offload to a GPU (0). */
        public Builder gpuLayers(int n) { this.gpuLayers = n; return this; }
        /** Contexts in the pool, that is conversations answered at once (1). */
        public Builder poolSize(int n) { this.poolSize = n; return this; }
        /** The chat template; by default the model file's, or chatml when it has none. */
        public Builder chatTemplate(ChatTemplate t) { this.chatTemplate = t; return this; }
        public Builder mediaLimits(MediaLimits limits) { this.mediaLimits = limits; return this; }
        /** Lets {@code file:} media URLs read files inside this directory (none by default). */
        public Builder allowedMediaDirectory(Path dir) { this.allowedMediaDirectory = dir; return this; }
        /** Time limit of an http(s) media download, redirects included (30 s). */
        public Builder fetchTimeout(Duration timeout) { this.fetchTimeout = timeout; return this; }
        /**
         * Fetches http(s) media URLs (off by default: an application that passes its users' URLs
         * on would otherwise let them reach its own network), and then only from public addresses
         * unless {@link #allowedMediaHosts} allows more; see {@link MediaFetcher}.
         */
        public Builder allowRemoteMedia(boolean allow) { this.allowRemoteMedia = allow; return this; }
        /**
         * Host names, addresses or CIDR networks that remote media fetches may reach although they
         * are loopback, private or link-local (none by default), as the server's --allow-image-host.
         */
        public Builder allowedMediaHosts(java.util.List<String> hosts) {
            new AddressPolicy(hosts); // IllegalArgumentException on a malformed entry
            this.allowedMediaHosts = java.util.List.copyOf(hosts);
            return this;
        }
        /** How remote media hosts are resolved and connected to ({@link RemoteFetch#SYSTEM}); for tests. */
        public Builder mediaResolver(RemoteFetch.Resolver resolver) {
            this.mediaResolver = java.util.Objects.requireNonNull(resolver, "resolver");
            return this;
        }
        /** The model name frameworks report; by default the file name. */
        public Builder name(String name) { this.name = name; return this; }

        /** Loads the model (downloading it first for {@link #huggingFace}). */
        public LocalModel build() {
            if (poolSize < 1) {
                throw new IllegalArgumentException("poolSize must be >= 1, was " + poolSize);
            }
            if (contextSize < 0) {
                throw new IllegalArgumentException("contextSize must be >= 0, was " + contextSize);
            }
            if ((modelPath == null) == (huggingFace == null)) {
                throw new IllegalArgumentException("name exactly one of modelPath or huggingFace");
            }
            Path m = modelPath;
            Path mm = mmprojPath;
            if (huggingFace != null) {
                if (mmprojPath != null) {
                    throw new IllegalArgumentException("huggingFace brings its own mmproj: do not set mmprojPath too");
                }
                ModelPair pair = (hub != null ? hub : HfHub.fromEnvironment()).resolveVisionModel(HfRepo.parse(huggingFace));
                m = pair.model();
                mm = pair.mmproj();
            }
            return new LocalModel(this, m, mm);
        }
    }
}
