package io.github.llamapanama.vision;

import io.github.llamapanama.chat.ChatMessage;
import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.fixtures.LlamaTools;
import io.github.llamapanama.generation.FinishReason;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.Generator;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * For the same image and prompt, the Java API matches llama-mtmd-cli from the same build: the
 * same chunk layout (prompt tokens, image tokens) and the same greedy output, token for token.
 */
class VisionParityTest {
    private static final int N_PREDICT = 24;

    @ParameterizedTest
    @ValueSource(strings = {"Describe this image.", "What is in the picture? Answer briefly."})
    void sameChunksAndGreedyOutputAsLlamaMtmdCli(String prompt) throws Exception {
        Path model = Fixtures.tinyQwen2();
        Path mmproj = Fixtures.tinyInternVlMmproj();
        Path image = TestData.file("test-1.jpeg");
        Native reference = mtmdCli(model, mmproj, image, prompt);

        try (Model m = Model.load(model);
             Projector projector = Projector.load(mmproj, m);
             Context ctx = m.newContext(ContextParams.builder().contextSize(4096).build());
             Sampler greedy = Sampler.builder().greedy().build();
             Bitmap bitmap = Bitmap.read(projector, image)) {
            // mtmd-cli appends the marker when the prompt has none, then formats one user message.
            String text = ChatTemplate.of(m).apply(List.of(ChatMessage.user(prompt + projector.mediaMarker())), true);
            try (InputChunks chunks = projector.tokenize(text, List.of(bitmap), true)) {
                List<Chunk> layout = chunks.chunks();
                assertEquals(3, layout.size(), layout.toString());
                assertEquals(reference.imageTokens(), layout.get(1).tokens(), "image tokens");
                assertEquals(reference.promptTokens(), chunks.tokenCount(), "prompt tokens, text and image");
                int position = projector.evaluate(ctx, chunks, 0, 0).position();
                GenerationResult r = new Generator(ctx, greedy).generateAfterEvaluated(position,
                        GenerationParams.maxTokens(N_PREDICT).withRenderSpecial(true)).finish();
                int[] tokens = r.finishReason() == FinishReason.END_OF_GENERATION
                        ? Arrays.copyOf(r.tokens(), r.tokens().length - 1) : r.tokens();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (int t : tokens) {
                    bytes.writeBytes(m.vocab().tokenBytes(t, true));
                }
                assertTrue(tokens.length > 4, "a non-trivial answer");
                assertEquals(new String(reference.output(), StandardCharsets.ISO_8859_1),
                        bytes.toString(StandardCharsets.ISO_8859_1));
            }
        }
    }

    record Native(int promptTokens, int imageTokens, byte[] output) {}

    /** Runs llama-mtmd-cli with greedy sampling; its answer is the stdout text after the image logs. */
    static Native mtmdCli(Path model, Path mmproj, Path image, String prompt) throws Exception {
        Path out = Files.createTempFile("mtmd", ".out");
        Path err = Files.createTempFile("mtmd", ".err");
        try {
            Process p = new ProcessBuilder(LlamaTools.tool("llama-mtmd-cli").toString(), "-m", model.toString(),
                    "--mmproj", mmproj.toString(), "--image", image.toString(), "-p", prompt,
                    "--temp", "0", "-n", String.valueOf(N_PREDICT), "-c", "4096")
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            String log = Files.readString(err);
            assertEquals(0, p.exitValue(), log);
            byte[] stdout = Files.readAllBytes(out);
            String s = new String(stdout, StandardCharsets.ISO_8859_1);
            Matcher decoded = Pattern.compile("image decoded \\(batch \\d+/\\d+\\) in \\d+ ms\n\n").matcher(s);
            assertTrue(decoded.find(), s);
            int start = decoded.end();
            int end = s.endsWith("\n\n") ? s.length() - 2 : s.length() - 1;
            Matcher imageTokens = Pattern.compile("n_tokens_batch = (\\d+)").matcher(s + log);
            assertTrue(imageTokens.find(), s + log);
            Matcher promptTokens = Pattern.compile("prompt eval time =.*/\\s+(\\d+) tokens").matcher(log);
            assertTrue(promptTokens.find(), log);
            return new Native(Integer.parseInt(promptTokens.group(1)), Integer.parseInt(imageTokens.group(1)),
                    Arrays.copyOfRange(stdout, start, end));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
