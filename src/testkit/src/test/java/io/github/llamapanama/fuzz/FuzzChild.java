package io.github.llamapanama.fuzz;

import io.github.llamapanama.LlamaException;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.gguf.GgufType;
import io.github.llamapanama.generation.Generator;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.server.LlamaServer;
import io.github.llamapanama.server.ServerConfig;
import io.github.llamapanama.testing.TestData;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.InputChunks;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.ProjectorConverter;
import io.github.llamapanama.vision.ProjectorParams;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * Runs fuzz cases that the parent {@link Fuzzer} sends on standard input, one per line
 * ({@code model 17}, {@code projector 5}, {@code image 9}, {@code server-image 3}). Before each
 * case it writes the mutated file and prints {@code @@START}; after it, {@code @@DONE} with the
 * outcome. If native code takes the process down, the parent sees a START without a DONE.
 */
public final class FuzzChild {
    private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
            StandardCharsets.UTF_8);
    private final Path cases;
    private GgufMutator models;
    private GgufMutator[] projectors; // the F16 fixture and its Q4_0 conversion, which takes the repacked kernels
    private ImageMutator images;
    private Model baseModel;
    private Projector baseProjector;
    private Bitmap baseImage;
    private LlamaServer server;
    private HttpClient http;

    private FuzzChild(Path cases) {
        this.cases = cases;
    }

    public static void main(String[] args) throws IOException {
        Path cases = Path.of(args[0]);
        Files.createDirectories(cases);
        FuzzChild child = new FuzzChild(cases);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        OUT.println("@@READY");
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            String[] p = line.trim().split(" ");
            child.run(p[0], Long.parseLong(p[1]));
        }
        child.close();
        OUT.println("@@BYE");
        System.exit(0);
    }

    private void run(String kind, long seed) {
        String outcome;
        Path file = null;
        try {
            switch (kind) {
                case "model" -> {
                    GgufMutator.Mutation m = models().mutate(seed);
                    file = write(kind, seed, "gguf", m.bytes(), m.description());
                    outcome = model(file);
                }
                case "projector" -> {
                    GgufMutator.Mutation m = projectors(seed).mutate(seed);
                    file = write(kind, seed, "gguf", m.bytes(), m.description());
                    outcome = projector(file);
                }
                case "image", "server-image" -> {
                    ImageMutator.Mutation m = images().mutate(seed);
                    file = write(kind, seed, "img", m.bytes(), m.description());
                    outcome = kind.equals("image") ? image(m.bytes(), seed) : serverImage(m.bytes());
                }
                default -> throw new IllegalArgumentException("unknown case kind " + kind);
            }
        } catch (LlamaException e) {
            outcome = "refused " + oneLine(e.getMessage());
        } catch (Throwable t) {
            outcome = "unexpected " + oneLine(t.toString());
        }
        OUT.println("@@DONE " + kind + " " + seed + " " + outcome);
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // left for the parent to see
            }
        }
    }

    private Path write(String kind, long seed, String ext, byte[] bytes, String description) throws IOException {
        Path f = cases.resolve(kind + "-" + seed + "." + ext);
        Files.write(f, bytes);
        OUT.println("@@START " + kind + " " + seed + " " + f + " " + oneLine(description));
        return f;
    }

    private static String oneLine(String s) {
        String t = String.valueOf(s).replace('\n', ' ').replace('\r', ' ');
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    // --- pipelines -----------------------------------------------------------------------

    private static ContextParams smallContext(int n) {
        return ContextParams.builder().contextSize(n).batchSize(n).ubatchSize(n).threads(1).build();
    }

    private String model(Path file) {
        try (Model model = Model.load(file)) {
            model.vocab().tokenize("Hello world, 1 2 3 \u00fcn\u00ef \u4e2d\u6587 <|im_start|>", true, true);
            try (Context ctx = model.newContext(smallContext(64));
                 Sampler sampler = Sampler.builder().greedy().build()) {
                new Generator(ctx, sampler).generate("Hello", GenerationParams.maxTokens(4)).text();
            }
        }
        return "ok";
    }

    private String projector(Path file) {
        try (Projector projector = Projector.load(file, baseModel(), ProjectorParams.defaults().withThreads(1))) {
            encode(projector, baseImage(projector));
        }
        return "ok";
    }

    private void encode(Projector projector, Bitmap image) {
        try (InputChunks chunks = projector.tokenize(projector.mediaMarker() + "\nDescribe.", List.of(image), true);
             Context ctx = baseModel().newContext(smallContext(512));
             Sampler sampler = Sampler.builder().greedy().build()) {
            int position = projector.evaluate(ctx, chunks, 0, 0).position();
            new Generator(ctx, sampler, 0, position).generateAfterEvaluated(position, GenerationParams.maxTokens(2)).text();
        }
    }

    private String image(byte[] bytes, long seed) {
        try (Bitmap b = Bitmap.decode(baseProjector(), bytes)) {
            if (seed % 5 == 0) {
                encode(baseProjector(), b);
            }
        }
        return "ok";
    }

    private String serverImage(byte[] bytes) throws Exception {
        if (server == null) {
            server = new LlamaServer(ServerConfig.builder(Fixtures.tinyQwen2()).projector(Fixtures.tinyInternVlMmproj())
                    .port(0).parallel(1).slotContextSize(512).queueSize(4).threads(1).build()).start();
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        }
        String body = "{\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(bytes) + "\"}}]}]}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/v1/chat/completions")).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
            return "ok";
        }
        if (r.statusCode() / 100 == 4) {
            return "refused http " + r.statusCode();
        }
        return "unexpected http " + r.statusCode() + " " + oneLine(r.body());
    }

    // --- lazily made bases ---------------------------------------------------------------

    private GgufMutator models() throws IOException {
        if (models == null) {
            models = new GgufMutator(Files.readAllBytes(Fixtures.tinyQwen2()));
        }
        return models;
    }

    /** Even seeds mutate the F16 projector, odd ones its Q4_0 conversion (extra buffer types, fix 9). */
    private GgufMutator projectors(long seed) throws IOException {
        if (projectors == null) {
            Path q4 = Files.createTempFile(cases, "mmproj-", "-Q4_0.gguf"); // children may share the folder
            ProjectorConverter.convert(Fixtures.tinyInternVlMmproj(), q4, GgufType.Q4_0);
            projectors = new GgufMutator[] {new GgufMutator(Files.readAllBytes(Fixtures.tinyInternVlMmproj())),
                    new GgufMutator(Files.readAllBytes(q4))};
            Files.delete(q4);
        }
        return projectors[(int) Math.floorMod(seed, 2L)];
    }

    private ImageMutator images() throws IOException {
        if (images == null) {
            images = new ImageMutator(Files.readAllBytes(TestData.file("test-1.jpeg")));
        }
        return images;
    }

    private Model baseModel() {
        if (baseModel == null) {
            baseModel = Model.load(Fixtures.tinyQwen2());
        }
        return baseModel;
    }

    private Projector baseProjector() {
        if (baseProjector == null) {
            baseProjector = Projector.load(Fixtures.tinyInternVlMmproj(), baseModel(), ProjectorParams.defaults().withThreads(1));
        }
        return baseProjector;
    }

    private Bitmap baseImage(Projector projector) {
        if (baseImage == null) {
            byte[] rgb = new byte[64 * 48 * 3];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = (byte) (i * 7);
            }
            baseImage = Bitmap.ofRgb(64, 48, rgb);
        }
        return baseImage;
    }

    private void close() {
        if (server != null) {
            server.close();
        }
        if (baseImage != null) {
            baseImage.close();
        }
        if (baseProjector != null) {
            baseProjector.close();
        }
        if (baseModel != null) {
            baseModel.close();
        }
    }
}
