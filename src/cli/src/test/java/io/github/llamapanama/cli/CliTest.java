package io.github.llamapanama.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command-line tool in-process, on the fixtures. */
class CliTest {
    record Run(int code, String out, String err) {}

    private static synchronized Run run(String stdin, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int code = Main.run(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
    }

    private static String[] describe(String... extra) {
        String[] base = {"describe", "--model", Fixtures.tinyQwen2().toString(), "--mmproj",
                Fixtures.tinyInternVlMmproj().toString(), "--image", TestData.file("test-1.jpeg").toString(),
                "--temp", "0", "-n", "12"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void describeAnswersAsJson() throws Exception {
        Run r = run("", describe("--json", "What is shown?"));
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("What is shown?", json.get("question").asText());
        assertTrue(json.get("answer").asText().length() > 0, r.out());
        assertEquals(12, json.get("generated_tokens").asInt());
        assertTrue(json.get("prompt_tokens").asInt() > Fixtures.imageTokens());
        JsonNode timings = json.get("timings");
        assertEquals(1, timings.get("tiles").asInt(), r.out());
        for (String figure : java.util.List.of("load_ms", "encode_ms", "prompt_ms", "decode_ms", "encode_ms_per_tile",
                "encode_gflops")) {
            assertTrue(timings.get(figure).asDouble() > 0, figure + " in " + r.out());
        }
        assertTrue(timings.get("encode_gflops").asDouble() < 1e5, "GFLOP/s, not FLOP/s: " + timings);
        assertTrue(timings.get("encode_linear_ms") == null, "no profile unless asked: " + timings);
    }

    @Test
    void describeProfilesTheEncodeWhenAsked() throws Exception {
        Run r = run("", describe("--json", "--profile"));
        assertEquals(0, r.code(), r.err());
        JsonNode timings = new ObjectMapper().readTree(r.out()).get("timings");
        double parts = 0;
        for (String figure : java.util.List.of("encode_linear_ms", "encode_attention_ms", "encode_rest_ms")) {
            assertTrue(timings.get(figure).asDouble() > 0, figure + " in " + timings);
            parts += timings.get(figure).asDouble();
        }
        assertTrue(timings.get("encode_nodes").asLong() > 10, timings.toString());
        // each node is timed inside the encode: the parts cannot add up to more than the encode took
        assertTrue(parts <= timings.get("encode_ms").asDouble() * 1.05 + 1, parts + " ms of parts in " + timings);
    }

    @Test
    void describeStreamsTheSameGreedyAnswer() throws Exception {
        Run json = run("", describe("--json"));
        Run text = run("", describe());
        assertEquals(0, text.code(), text.err());
        assertEquals(new ObjectMapper().readTree(json.out()).get("answer").asText(), text.out().stripTrailing());
    }

    @Test
    void describeTakesVideoFramesAndTiles(@TempDir Path frames) throws Exception {
        for (int i = 1; i <= 3; i++) {
            Files.copy(TestData.file("test-1.jpeg"), frames.resolve("frame" + i + ".jpg"));
        }
        Run video = run("", "describe", "--model", Fixtures.tinyQwen2().toString(), "--mmproj",
                Fixtures.tinyInternVlMmproj().toString(), "--video", frames.toString(), "--frames", "2",
                "--temp", "0", "-n", "4", "--json");
        assertEquals(0, video.code(), video.err());
        JsonNode json = new ObjectMapper().readTree(video.out());
        assertEquals(2, json.get("frames").asInt());
        assertTrue(json.get("prompt_tokens").asInt() > 2 * Fixtures.imageTokens(), video.out());
        Run tiled = run("", describe("--max-tiles", "6", "--json")); // 640x488: a 3x2 grid plus the thumbnail
        assertEquals(0, tiled.code(), tiled.err());
        JsonNode tiledJson = new ObjectMapper().readTree(tiled.out());
        assertTrue(tiledJson.get("prompt_tokens").asInt() > 7 * Fixtures.imageTokens(), tiled.out());
        assertEquals(7, tiledJson.get("timings").get("tiles").asInt(), tiled.out());
    }

    @Test
    void quantizeWritesWhatLlamaQuantizeWrites(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("q8.gguf");
        Run r = run("", "quantize", Fixtures.tinyQwen2().toString(), out.toString(), "q8_0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(Q8_0)"), r.out());
        assertTrue(java.util.Arrays.equals(java.nio.file.Files.readAllBytes(
                Fixtures.tinyQwen2(io.github.llamapanama.fixtures.QuantFormat.Q8_0)), java.nio.file.Files.readAllBytes(out)));
        Run mmproj = run("", "quantize", Fixtures.tinyInternVlMmproj().toString(), dir.resolve("p.gguf").toString(), "bf16");
        assertEquals(0, mmproj.code(), mmproj.err());
        assertTrue(mmproj.out().contains("matrices converted"), mmproj.out());
        Run bad = run("", "quantize", Fixtures.tinyQwen2().toString(), dir.resolve("x.gguf").toString(), "Q9_9");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("unknown file type 'Q9_9'"), bad.err());
    }

    @Test
    void offlineWithoutModelsNamesWhatToPass(@TempDir Path cache) {
        Run r = run("", "describe", "--image", TestData.file("test-1.jpeg").toString(), "--offline");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--model FILE --mmproj FILE"), r.err());
    }

    @Test
    void aMissingImageIsAClearError() {
        String[] args = describe();
        args[6] = "no-such-image.jpg";
        Run r = run("", args);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("media file not found: no-such-image.jpg"), r.err());
    }

    @Test
    void chatTakesImagesCommandsAndSavesAndLoads(@TempDir Path dir) {
        Path saved = dir.resolve("chat.bin");
        String script = String.join("\n",
                "/image " + TestData.file("test-1.jpeg"),
                "What is this?",
                "/save " + saved,
                "/reset",
                "/load " + saved,
                "Tell me more.",
                "/load " + dir.resolve("missing.bin"),
                "/exit") + "\n";
        Run r = run(script, "chat", "--model", Fixtures.tinyQwen2().toString(), "--mmproj",
                Fixtures.tinyInternVlMmproj().toString(), "--temp", "0", "-n", "8");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("(image attached to your next message)"), r.out());
        assertTrue(r.out().contains("(saved to " + saved + ")"), r.out());
        assertTrue(r.out().contains("(loaded " + saved + ")"), r.out());
        assertTrue(r.out().contains("error: cannot load a conversation"), r.out());
        assertTrue(Files.exists(saved));
    }

    @Test
    void textChatAndGenerateAndInfo() {
        Run chat = run("Hello\n/reset\nHi again\n", "chat", "--model", Fixtures.tinyQwen2().toString(), "--temp", "0", "-n", "6");
        assertEquals(0, chat.code(), chat.err());
        Run gen = run("", "generate", "--model", Fixtures.tinyQwen2().toString(), "--temp", "0", "-n", "6", "Once upon a time");
        assertEquals(0, gen.code(), gen.err());
        assertTrue(gen.err().contains("generated 6 tokens"), gen.err());
        Run info = run("", "info", Fixtures.tinyQwen2().toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("general.architecture = \"qwen2\""), info.out());
        assertTrue(info.out().contains("tensor types:"), info.out());
    }
}
