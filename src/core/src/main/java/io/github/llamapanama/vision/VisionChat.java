package io.github.llamapanama.vision;

import io.github.llamapanama.chat.ChatMessage;
import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.chat.ChatTurn;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.Generator;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.Vocab;
import io.github.llamapanama.sampling.Sampler;

import io.github.llamapanama.chat.ChatFile;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-turn conversation with images (and audio) on one sequence of a context. User text
 * writes {@value #IMAGE} where an image goes, as InternVL's model card does; it becomes the
 * projector's marker. Each turn evaluates only what the conversation added since the last one:
 * earlier turns, their images included, stay in the KV cache.
 *
 * {@snippet :
 * VisionChat chat = new VisionChat(context, projector, sampler, ChatTemplate.of(model));
 * String answer = chat.send("<image>\nPlease describe the image shortly.", List.of(photo),
 *         GenerationParams.maxTokens(128)).text();
 * }
 */
public final class VisionChat {
    /** The image placeholder of InternVL's model card. */
    public static final String IMAGE = "<image>";

    private final Context context;
    private final Projector projector;
    private final Generator generator;
    private final ChatTemplate template;
    private final int sequence;
    private final List<ChatMessage> messages = new ArrayList<>();
    private final List<List<Bitmap>> media = new ArrayList<>(); // per message, for a full re-evaluation
    private String cachedText = ""; // the formatted conversation text the KV cache holds
    private int position;
    private int lastPromptTokens;
    private Projector.Evaluation lastEvaluation;
    private int maxTiles = 1;

    public VisionChat(Context context, Projector projector, Sampler sampler, ChatTemplate template) {
        this(context, projector, sampler, template, 0);
    }

    public VisionChat(Context context, Projector projector, Sampler sampler, ChatTemplate template, int sequence) {
        if (projector.model() != context.model()) {
            throw new IllegalArgumentException("the projector and the context belong to different models");
        }
        this.context = context;
        this.projector = projector;
        this.generator = new Generator(context, sampler, sequence, 0);
        this.template = template;
        this.sequence = sequence;
    }

    /**
     * Cuts each image into up to {@code maxTiles} 448x448 tiles plus a thumbnail, as InternVL's
     * {@code dynamic_preprocess} does, and feeds them as one {@code <img>...</img>} block. The
     * default, 1, is llama.cpp's own behaviour: one tile per image.
     */
    public VisionChat maxTiles(int maxTiles) {
        if (maxTiles < 1 || maxTiles > 40) {
            throw new IllegalArgumentException("maxTiles must be in [1, 40], was " + maxTiles);
        }
        if (maxTiles > 1 && projector.imageSize() == 0) {
            throw new IllegalArgumentException("this projector has no vision input size to tile for");
        }
        this.maxTiles = maxTiles;
        return this;
    }

    /** Sets the system message; only before the first turn. */
    public VisionChat system(String content) {
        if (!messages.isEmpty()) {
            throw new IllegalStateException("set the system message before the first turn");
        }
        messages.add(ChatMessage.system(content));
        media.add(List.of());
        return this;
    }

    /**
     * Sends a user message with its media. Without any {@value #IMAGE} placeholder, one is put
     * in front for each image (numbered "Image-1: ..." when there are several), as the model
     * card's chat() does.
     */
    public ChatTurn send(String userText, List<Bitmap> items, GenerationParams params) {
        String text = markers(placeMarkers(userText, items.size()));
        messages.add(ChatMessage.user(text));
        media.add(List.copyOf(items));
        String full;
        try {
            full = template.apply(messages, true);
        } catch (RuntimeException e) {
            messages.removeLast();
            media.removeLast();
            throw e;
        }
        List<Bitmap> delta;
        String deltaText;
        if (full.startsWith(cachedText)) {
            deltaText = full.substring(cachedText.length());
            delta = List.copyOf(items);
        } else { // the template re-rendered history: start over, with every turn's media
            generator.rewind(0);
            position = 0;
            deltaText = full;
            delta = media.stream().flatMap(List::stream).toList();
        }
        try {
            position = evaluate(deltaText, delta);
        } catch (RuntimeException e) {
            generator.rewind(Math.min(position, generator.position()));
            messages.removeLast();
            media.removeLast();
            throw e;
        }
        cachedText = full;
        int promptEnd = position;
        return new ChatTurn(generator.generateAfterEvaluated(position, params), r -> record(r, promptEnd));
    }

    /** Evaluates prompt text with its media from the current position; returns the new position. */
    private int evaluate(String text, List<Bitmap> items) {
        if (maxTiles == 1 || items.stream().allMatch(Bitmap::isAudio)) {
            try (InputChunks chunks = projector.tokenize(text, items, position == 0)) {
                lastEvaluation = projector.evaluate(context, chunks, position, sequence);
                int end = lastEvaluation.position();
                lastPromptTokens = end - position;
                return end;
            }
        }
        int markers = Projector.count(text, projector.mediaMarker());
        if (markers != items.size()) {
            throw new VisionException("the prompt has " + markers + " media marker(s) but " + items.size()
                    + " image/audio item(s) were given: they must match one to one");
        }
        List<Bitmap> tiles = new ArrayList<>();
        try {
            int[] perItem = new int[items.size()];
            StringBuilder expanded = new StringBuilder();
            String marker = projector.mediaMarker();
            int from = 0;
            for (int i = 0; i < items.size(); i++) {
                Bitmap item = items.get(i);
                List<Bitmap> these = item.isAudio() ? List.of(item) : tile(item);
                tiles.addAll(these.stream().filter(t -> t != item).toList());
                perItem[i] = these.size();
                int at = text.indexOf(marker, from);
                expanded.append(text, from, at).append(marker.repeat(these.size()));
                from = at + marker.length();
            }
            expanded.append(text.substring(from));
            List<Bitmap> flat = new ArrayList<>();
            int t = 0;
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).isAudio()) {
                    flat.add(items.get(i));
                } else {
                    flat.addAll(tiles.subList(t, t + perItem[i]));
                    t += perItem[i];
                }
            }
            try (InputChunks chunks = projector.tokenize(expanded.toString(), flat, position == 0)) {
                lastEvaluation = projector.evaluate(context, chunks, position, sequence, perItem);
                int end = lastEvaluation.position();
                lastPromptTokens = end - position; // positions evaluated: the skipped tile wrappers do not count
                return end;
            }
        } finally {
            tiles.forEach(Bitmap::close);
        }
    }

    private List<Bitmap> tile(Bitmap image) {
        List<Bitmap> out = new ArrayList<>();
        for (java.awt.image.BufferedImage tile : io.github.llamapanama.vision.tiling.DynamicTiling.tiles(
                image.toImage(), 1, maxTiles, projector.imageSize(), true)) {
            out.add(Bitmap.of(tile));
        }
        return out;
    }

    static String placeMarkers(String text, int images) {
        int placeholders = Projector.count(text, IMAGE);
        if (placeholders == 0 && images > 0) {
            StringBuilder prefix = new StringBuilder();
            for (int i = 1; i <= images; i++) {
                prefix.append(images == 1 ? "" : "Image-" + i + ": ").append(IMAGE).append('\n');
            }
            text = prefix + text;
        }
        return text;
    }

    private String markers(String text) {
        return text.replace(IMAGE, projector.mediaMarker());
    }

    /** Positions (text and media tokens) the last {@link #send} evaluated: only what was new. */
    /**
     * What the last {@link #send}'s prompt cost: media chunks encoded (one per tile, so a tiled
     * image counts its tiles and thumbnail), the encoder's milliseconds, and the milliseconds spent
     * decoding the prompt's text and media embeddings. Empty before the first send.
     */
    public java.util.Optional<Projector.Evaluation> lastEvaluation() {
        return java.util.Optional.ofNullable(lastEvaluation);
    }

    public int lastPromptTokens() {
        return lastPromptTokens;
    }

    public List<ChatMessage> messages() {
        return List.copyOf(messages);
    }

    /** Saves the conversation and its KV cache cells, so {@link #load} can resume it without re-evaluating. */
    public void save(Path file) {
        ChatFile.write(file, new ChatFile.Contents(messages, Map.of("text", cachedText, "position", position),
                context.saveSequenceState(sequence)));
    }

    /**
     * Replaces this conversation with a saved one (same model and template). Media of the saved
     * turns live on in the KV cache only.
     */
    public void load(Path file) {
        ChatFile.Contents c = ChatFile.read(file);
        generator.reset();
        context.loadSequenceState(sequence, c.state());
        messages.clear();
        media.clear();
        messages.addAll(c.messages());
        c.messages().forEach(m -> media.add(List.of()));
        cachedText = String.valueOf(c.session().get("text"));
        position = ((Number) c.session().get("position")).intValue();
        generator.advanceTo(position);
    }

    /** Forgets the conversation but the system message, and its KV cache. */
    public void reset() {
        generator.reset();
        position = 0;
        cachedText = "";
        boolean system = !messages.isEmpty() && messages.getFirst().role() == ChatMessage.Role.SYSTEM;
        while (messages.size() > (system ? 1 : 0)) {
            messages.removeLast();
            media.removeLast();
        }
    }

    private GenerationResult record(GenerationResult r, int promptEnd) {
        messages.add(ChatMessage.assistant(r.text()));
        media.add(List.of());
        String closed = template.apply(messages, false);
        String inCache = cachedText + decodedText(r.tokens());
        if (closed.startsWith(inCache)) {
            cachedText = inCache;
            position = generator.position();
        } else {
            // The answer as the template renders it differs from the tokens in the cache (a
            // stop string, say): replace the answer's cells with the rendered text.
            generator.rewind(promptEnd);
            try (InputChunks tail = projector.tokenize(closed.substring(cachedText.length()), List.of(), false)) {
                position = projector.evaluate(context, tail, promptEnd, sequence).position();
            }
            cachedText = closed;
        }
        return r;
    }

    /** The text of the tokens the cache holds: all sampled tokens but the last. */
    private String decodedText(int[] tokens) {
        Vocab vocab = context.model().vocab();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < tokens.length - 1; i++) {
            bytes.writeBytes(vocab.tokenBytes(tokens[i], true));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
