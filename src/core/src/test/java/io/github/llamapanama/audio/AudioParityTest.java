package io.github.llamapanama.audio;

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
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.Chunk;
import io.github.llamapanama.vision.ChunkType;
import io.github.llamapanama.vision.InputChunks;
import io.github.llamapanama.vision.Projector;
import org.junit.jupiter.api.Test;

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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Audio end to end on a real audio projector (the Ultravox-shaped fixture): an MP3 decoded and
 * resampled by mtmd, encoded by the Whisper encoder and projected, then answered; the Java path
 * gives the same audio tokens and the same greedy answer as llama-mtmd-cli --audio.
 */
class AudioParityTest {
    static final int N_PREDICT = 16;
    static final String PROMPT = "What is said in this clip?";

    @Test
    void anMp3ThroughTheUltravoxProjectorAnswersLikeLlamaMtmdCli() throws Exception {
        Path model = Fixtures.tinyQwen2();
        Path mmproj = Fixtures.tinyUltravoxMmproj();
        Path audio = TestData.file("test-2.mp3");
        Native reference = mtmdCli(model, mmproj, audio, PROMPT);

        try (Model m = Model.load(model);
             Projector projector = Projector.load(mmproj, m);
             Context ctx = m.newContext(ContextParams.builder().contextSize(4096).build());
             Sampler greedy = Sampler.builder().greedy().build();
             Bitmap clip = Bitmap.read(projector, audio)) {
            assertTrue(projector.supportsAudio());
            assertFalse(projector.supportsVision());
            assertEquals(16000, projector.audioSampleRate());
            assertTrue(clip.isAudio());
            // mtmd-cli appends the marker when the prompt has none, then formats one user message.
            String text = ChatTemplate.of(m).apply(List.of(ChatMessage.user(PROMPT + projector.mediaMarker())), true);
            try (InputChunks chunks = projector.tokenize(text, List.of(clip), true)) {
                List<Chunk> layout = chunks.chunks();
                int audioTokens = layout.stream().filter(c -> c.type() == ChunkType.AUDIO).mapToInt(Chunk::tokens).sum();
                assertTrue(audioTokens > 0, layout.toString());
                assertEquals(reference.promptTokens(), chunks.tokenCount(), "prompt tokens, text and audio");
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

    record Native(int promptTokens, byte[] output) {}

    /** Runs llama-mtmd-cli --audio with greedy sampling; its answer is the stdout text after the last media log line. */
    static Native mtmdCli(Path model, Path mmproj, Path audio, String prompt) throws Exception {
        Path out = Files.createTempFile("mtmd", ".out");
        Path err = Files.createTempFile("mtmd", ".err");
        try {
            Process p = new ProcessBuilder(LlamaTools.tool("llama-mtmd-cli").toString(), "-m", model.toString(),
                    "--mmproj", mmproj.toString(), "--audio", audio.toString(), "-p", prompt,
                    "--temp", "0", "-n", String.valueOf(N_PREDICT), "-c", "4096")
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS));
            String log = Files.readString(err);
            assertEquals(0, p.exitValue(), log);
            byte[] stdout = Files.readAllBytes(out);
            String s = new String(stdout, StandardCharsets.ISO_8859_1);
            Matcher decoded = Pattern.compile("audio decoded \\(batch \\d+/\\d+\\) in \\d+ ms\n\n").matcher(s);
            int start = -1;
            while (decoded.find()) {
                start = decoded.end();
            }
            assertTrue(start > 0, s);
            int end = s.endsWith("\n\n") ? s.length() - 2 : s.length() - 1;
            Matcher promptTokens = Pattern.compile("prompt eval time =.*/\\s+(\\d+) tokens").matcher(log);
            assertTrue(promptTokens.find(), log);
            return new Native(Integer.parseInt(promptTokens.group(1)), Arrays.copyOfRange(stdout, start, end));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
