package io.github.llamapanama.threads;

import io.github.llamapanama.embedding.Embedder;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.Generator;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.PoolingType;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.InputChunks;
import io.github.llamapanama.vision.Projector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Contexts of one model computing at the same time on different threads give bit for bit what
 * each gives alone. At the pinned commit they did not: llamafile's sgemm shared one chunk counter
 * across the process, so concurrent graphs skipped each other's tiles (NaN and garbage logits);
 * build-native.sh applies the upstream fix (cmake/llama-cpp-fixes.cmake). The server (media
 * encoder thread beside the decode loop), Spark tasks and framework beans all run this way.
 */
class ConcurrentContextsTest {
    private static final int ROUNDS = 2;

    private static List<String> texts() {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            t.add("text number " + i + " about a cat and a dog " + "x".repeat(i % 7));
        }
        return t;
    }

    /** Runs {@code work} on two threads at once and returns both results. */
    private static <T> List<T> twice(Callable<T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<T> a = pool.submit(work);
            Future<T> b = pool.submit(work);
            return List.of(a.get(), b.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<float[]> embedAll(Model model) {
        try (Embedder e = Embedder.create(model, ContextParams.builder().threads(2).pooling(PoolingType.MEAN).build())) {
            List<float[]> out = new ArrayList<>();
            for (String s : texts()) {
                out.add(e.embed(s, false));
            }
            return out;
        }
    }

    @Test
    void embeddingsOnTwoThreadsEqualEmbeddingsAlone() throws Exception {
        try (Model model = Model.load(Fixtures.tinyQwen2())) {
            List<float[]> alone = embedAll(model);
            for (int round = 0; round < ROUNDS; round++) {
                for (List<float[]> got : twice(() -> embedAll(model))) {
                    for (int i = 0; i < alone.size(); i++) {
                        assertArrayEquals(alone.get(i), got.get(i), 0f, texts().get(i));
                    }
                }
            }
        }
    }

    private static List<int[]> greedyAll(Model model) {
        List<int[]> out = new ArrayList<>();
        for (String prompt : texts().subList(0, 6)) {
            try (Context ctx = model.newContext(ContextParams.builder().contextSize(256).threads(2).build());
                 Sampler s = Sampler.builder().greedy().build()) {
                out.add(new Generator(ctx, s).generate(prompt, GenerationParams.maxTokens(32)
                        .withStopAtEndOfGeneration(false)).finish().tokens());
            }
        }
        return out;
    }

    @Test
    void greedyTokensOnTwoThreadsEqualTokensAlone() throws Exception {
        try (Model model = Model.load(Fixtures.tinyQwen2())) {
            List<int[]> alone = greedyAll(model);
            for (List<int[]> got : twice(() -> greedyAll(model))) {
                for (int i = 0; i < alone.size(); i++) {
                    assertArrayEquals(alone.get(i), got.get(i), texts().get(i));
                }
            }
        }
    }

    @Test
    void anImageEncodedBesideADecodeEqualsTheImageEncodedAlone() throws Exception {
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Projector projector = Projector.load(Fixtures.tinyInternVlMmproj(), model)) {
            byte[] rgb = new byte[64 * 48 * 3];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = (byte) (i * 31 % 251);
            }
            Callable<float[]> encode = () -> {
                try (Bitmap image = Bitmap.ofRgb(64, 48, rgb);
                     InputChunks chunks = projector.tokenize(projector.mediaMarker(), List.of(image), false)) {
                    return projector.encode(chunks, mediaIndex(chunks));
                }
            };
            float[] alone = encode.call();
            List<int[]> tokensAlone = greedyAll(model);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<List<int[]>> decoding = pool.submit(() -> greedyAll(model));
                Future<List<float[]>> encoding = pool.submit(() -> {
                    List<float[]> out = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        out.add(encode.call());
                    }
                    return out;
                });
                for (float[] e : encoding.get()) {
                    assertArrayEquals(alone, e, 0f);
                }
                List<int[]> tokens = decoding.get();
                for (int i = 0; i < tokens.size(); i++) {
                    assertArrayEquals(tokensAlone.get(i), tokens.get(i));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static int mediaIndex(InputChunks chunks) {
        for (int i = 0; i < chunks.size(); i++) {
            if (chunks.chunk(i).type() != io.github.llamapanama.vision.ChunkType.TEXT) {
                return i;
            }
        }
        throw new AssertionError("no media chunk");
    }
}
