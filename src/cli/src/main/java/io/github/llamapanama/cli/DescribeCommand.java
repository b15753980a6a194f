package io.github.llamapanama.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.llamapanama.bench.TileFlops;
import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.chat.ChatTurn;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.hub.ModelPair;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.EncodeProfile;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.VisionChat;
import io.github.llamapanama.vision.video.VideoFrames;
import io.github.llamapanama.vision.video.VideoPrompt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "describe", description = {"Describe an image or a video (or answer a question about it) with a vision-language model.",
        "Videos: " + VideoFrames.SUPPORTED})
final class DescribeCommand implements Callable<Integer> {
    static final String DEFAULT_QUESTION = "Please describe the image shortly.";

    @Option(names = {"-i", "--image"}, paramLabel = "FILE", description = "image (repeatable)")
    List<Path> images = new ArrayList<>();

    @Option(names = "--video", paramLabel = "FILE|DIR", description = "a video, GIF or directory of frames")
    Path video;

    @Option(names = "--frames", defaultValue = "8", description = "frames sampled from --video (default ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--max-tiles", defaultValue = "1",
            description = "InternVL dynamic tiling: up to this many 448px tiles per image plus a thumbnail (default 1: llama.cpp's single tile)")
    int maxTiles;

    @Parameters(arity = "0..1", paramLabel = "QUESTION", description = "default: \"" + DEFAULT_QUESTION + "\"")
    String question = DEFAULT_QUESTION;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "256")
    int maxTokens;

    @Option(names = "--json", description = "print the answer and timings as JSON")
    boolean json;

    @Option(names = "--profile", description = "with --json: time each node of the image encoder and report"
            + " the linear layers, attention and the rest (the encode runs a little slower)")
    boolean profile;

    @Mixin
    ModelSource source;

    @Mixin
    RuntimeOptions runtime;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ModelPair files = source.resolve(true);
        List<Bitmap> bitmaps = new ArrayList<>();
        long loadStart = System.nanoTime();
        try (Model model = runtime.load(files.model());
             Projector projector = Projector.load(files.mmproj(), model, runtime.projectorParams());
             Context context = model.newContext(runtime.contextParams());
             Sampler sampler = sampling.sampler(model.vocab(), context.contextSize())) {
            double loadMillis = (System.nanoTime() - loadStart) / 1e6;
            if (runtime.verbose) {
                System.err.println("projector weights: " + projector.weights());
            }
            String prompt = question;
            if (video != null) {
                if (!images.isEmpty()) {
                    throw new IllegalArgumentException("give --image or --video, not both");
                }
                if (frames < 1) {
                    throw new IllegalArgumentException("--frames must be >= 1");
                }
                for (BufferedImage frame : VideoFrames.open(video).sample(frames)) {
                    bitmaps.add(Bitmap.of(frame));
                }
                prompt = VideoPrompt.prefix(bitmaps.size()) + question;
            } else if (images.isEmpty()) {
                throw new IllegalArgumentException("give --image FILE (or --video FILE)");
            }
            for (Path image : images) {
                bitmaps.add(Bitmap.read(projector, image));
            }
            VisionChat chat = new VisionChat(context, projector, sampler, ChatTemplate.of(model, "chatml"));
            if (video == null) {
                chat.maxTiles(maxTiles); // the model card feeds video frames as single tiles
            }
            ChatTurn[] sent = new ChatTurn[1];
            String text = prompt;
            Runnable send = () -> sent[0] = chat.send(text, bitmaps, GenerationParams.maxTokens(maxTokens));
            EncodeProfile encodeProfile = null;
            if (profile && json) {
                encodeProfile = EncodeProfile.of(send);
            } else {
                send.run();
            }
            ChatTurn turn = sent[0];
            if (json) {
                GenerationResult r = turn.result();
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("model", files.model().toString());
                doc.put("mmproj", files.mmproj().toString());
                doc.put("images", images.stream().map(Path::toString).toList());
                if (video != null) {
                    doc.put("video", video.toString());
                    doc.put("frames", bitmaps.size());
                }
                doc.put("question", question);
                doc.put("answer", r.text());
                doc.put("finish_reason", r.finishReason().name().toLowerCase(java.util.Locale.ROOT));
                doc.put("prompt_tokens", chat.lastPromptTokens());
                doc.put("generated_tokens", r.stats().generatedTokens());
                doc.put("generation_tokens_per_second", r.stats().generationTokensPerSecond());
                // as llama-server's timings: where the time went, the encoder's share apart
                Map<String, Object> timings = new LinkedHashMap<>();
                timings.put("load_ms", loadMillis);
                int tiles = chat.lastEvaluation().map(e -> e.mediaItems()).orElse(0);
                double encodeMillis = chat.lastEvaluation().map(e -> e.encodeMillis()).orElse(0.0);
                timings.put("encode_ms", encodeMillis);
                timings.put("tiles", tiles);
                timings.put("prompt_ms", chat.lastEvaluation().map(e -> e.decodeMillis()).orElse(0.0));
                timings.put("decode_ms", r.stats().generationMillis());
                if (tiles > 0) {
                    timings.put("encode_ms_per_tile", encodeMillis / tiles);
                    // the encoder's layers (the projection's few GFLOP depend on the tokens: left out)
                    TileFlops.of(files.mmproj(), 0).ifPresent(f ->
                            timings.put("encode_gflops", f.gflops(encodeMillis / tiles)));
                }
                if (encodeProfile != null) { // as bench prints it: each node timed alone
                    timings.put("encode_linear_ms", encodeProfile.linearMillis());
                    timings.put("encode_attention_ms", encodeProfile.attentionMillis());
                    timings.put("encode_rest_ms", encodeProfile.restMillis());
                    timings.put("encode_nodes", encodeProfile.nodes());
                }
                doc.put("timings", timings);
                doc.put("projector_weights", projector.weights());
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            } else {
                turn.stream(out::append);
                out.println();
            }
        } finally {
            bitmaps.forEach(Bitmap::close);
        }
        return 0;
    }
}
