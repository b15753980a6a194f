package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's caches and chunked prefill, seen from a client: a second turn evaluates only its
 * new messages (timings and /metrics say so) and answers as a server without caches does; an
 * image is encoded once across turns, slots and conversations, and one changed pixel misses; a
 * long prompt does not stop another stream.
 */
class PromptCacheServerTest {
    /**
     * Tokens of the image answers compared. Short: the random tiny model's logits have near-ties,
     * and the attention sums over a KV cache laid out differently (another slot, other cells) can
     * flip a late greedy token; the text turn and ContinuousBatchCacheTest compare longer answers.
     */
    private static final int ANSWER = 4;
    private static LlamaServer cached;
    private static LlamaServer plain;
    private static String image;
    private static String imageOnePixelOff;

    @BeforeAll
    static void start() throws Exception {
        cached = TestServers.start(b -> b.projector(Fixtures.tinyInternVlMmproj()).slotContextSize(1024).prefillChunk(64));
        plain = TestServers.start(b -> b.projector(Fixtures.tinyInternVlMmproj()).slotContextSize(1024).prefillChunk(64)
                .promptCache(false).imageCacheMb(0));
        BufferedImage photo = ImageIO.read(TestData.file("test-1.jpeg").toFile());
        BufferedImage small = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        small.getGraphics().drawImage(photo, 0, 0, 64, 48, null);
        image = png(small);
        small.setRGB(10, 10, small.getRGB(10, 10) ^ 0x000001); // one pixel, one bit of blue
        imageOnePixelOff = png(small);
    }

    @AfterAll
    static void stop() {
        cached.close();
        plain.close();
    }

    private static String png(BufferedImage img) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static ArrayNode messages() {
        return Json.MAPPER.createArrayNode();
    }

    private static ArrayNode say(ArrayNode m, String role, String text) {
        m.addObject().put("role", role).put("content", text);
        return m;
    }

    private static ArrayNode showImage(ArrayNode m, String dataUri, String text) {
        ArrayNode parts = m.addObject().put("role", "user").putArray("content");
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", dataUri);
        parts.addObject().put("type", "text").put("text", text);
        return m;
    }

    private static JsonNode chat(LlamaServer server, ArrayNode messages, int maxTokens) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("messages", messages);
        body.put("max_tokens", maxTokens).put("temperature", 0);
        HttpResponse<String> r = TestServers.post(server, "/v1/chat/completions", body.toString(), null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode json = Json.MAPPER.readTree(r.body());
        JsonNode t = json.get("timings");
        assertEquals(json.at("/usage/prompt_tokens").asInt(), t.get("prompt_n").asInt() + t.get("cache_n").asInt(),
                "usage counts the whole prompt: evaluated plus cached");
        return json;
    }

    private static String answer(JsonNode r) {
        return r.at("/choices/0/message/content").asText();
    }

    private static double metric(LlamaServer s, String name) throws Exception {
        return TestServers.metric(TestServers.get(s, "/metrics", null).body(), name);
    }

    @Test
    void aSecondTurnEvaluatesOnlyItsNewMessagesAndAnswersAsWithoutTheCache() throws Exception {
        ArrayNode turn1 = say(messages(), "user", "Tell me about the little robot who lived in the garden.");
        JsonNode r1 = chat(cached, turn1, 12);
        int firstPrompt = r1.at("/usage/prompt_tokens").asInt();
        ArrayNode turn2 = say(say(turn1.deepCopy(), "assistant", answer(r1)), "user", "What did it do next?");

        double evaluatedBefore = metric(cached, "llama_prompt_tokens_total");
        double cachedBefore = metric(cached, "llama_prompt_tokens_cached_total");
        double hitsBefore = metric(cached, "llama_prompt_cache_hits_total");
        JsonNode r2 = chat(cached, turn2, 12);
        int whole = r2.at("/usage/prompt_tokens").asInt();
        int evaluated = r2.at("/timings/prompt_n").asInt();
        int reused = r2.at("/timings/cache_n").asInt();
        assertTrue(reused >= firstPrompt, "the first turn's prompt is reused: " + r2.get("timings"));
        assertTrue(evaluated <= whole - firstPrompt, "only the new messages are evaluated: " + r2.get("timings"));
        assertEquals(evaluatedBefore + evaluated, metric(cached, "llama_prompt_tokens_total"));
        assertEquals(cachedBefore + reused, metric(cached, "llama_prompt_tokens_cached_total"));
        assertEquals(hitsBefore + 1, metric(cached, "llama_prompt_cache_hits_total"));

        JsonNode p2 = chat(plain, turn2, 12);
        assertEquals(0, p2.at("/timings/cache_n").asInt());
        assertEquals(whole, p2.at("/timings/prompt_n").asInt());
        assertEquals(answer(p2), answer(r2), "greedy: the cache changes nothing in the answer");
        assertEquals(p2.at("/usage/completion_tokens").asInt(), r2.at("/usage/completion_tokens").asInt());
        assertTrue(metric(plain, "llama_prompt_cache_misses_total") >= 1);
    }

    @Test
    void anImageIsEncodedOnceAcrossTurnsAndConversationsAndOneChangedPixelMisses() throws Exception {
        int imageTokens = Fixtures.imageTokens();
        double encoded = metric(cached, "llama_images_encoded_total");
        ArrayNode turn1 = showImage(messages(), image, "Describe the image.");
        double encodeSeconds = metric(cached, "llama_image_encode_seconds_total");
        JsonNode r1 = chat(cached, turn1, ANSWER);
        assertEquals(encoded + 1, metric(cached, "llama_images_encoded_total"));
        assertTrue(metric(cached, "llama_image_encode_seconds_total") > encodeSeconds, "the encode is timed");

        // Second turn: the client resends the history with the image.
        ArrayNode turn2 = say(say(turn1.deepCopy(), "assistant", answer(r1)), "user", "And the colours?");
        JsonNode r2 = chat(cached, turn2, ANSWER);
        assertEquals(encoded + 1, metric(cached, "llama_images_encoded_total"), "not encoded again");
        assertTrue(r2.at("/timings/cache_n").asInt() > imageTokens, r2.get("timings").toString());
        assertTrue(r2.at("/timings/prompt_n").asInt() < imageTokens, "the image is not evaluated again: " + r2.get("timings"));
        assertEquals(answer(chat(plain, turn2, ANSWER)), answer(r2));

        // A new conversation with the same image: its slot cache cannot help, the image cache does.
        double hits = metric(cached, "llama_image_cache_hits_total");
        double timed = metric(cached, "llama_image_encode_seconds_total");
        ArrayNode other = showImage(say(messages(), "system", "You are terse."), image, "What is this?");
        JsonNode r3 = chat(cached, other, ANSWER);
        assertEquals(encoded + 1, metric(cached, "llama_images_encoded_total"), "served from the image cache");
        assertEquals(hits + 1, metric(cached, "llama_image_cache_hits_total"));
        assertEquals(timed, metric(cached, "llama_image_encode_seconds_total"), "a hit takes no encoder time");
        assertTrue(r3.at("/timings/prompt_n").asInt() >= imageTokens, "its embeddings are decoded: " + r3.get("timings"));
        // No answer comparison here: r3 reuses a few-token prefix from another slot, so its prompt is
        // split into other batches than the uncached run's, and on this random-weight model a near-tie
        // can flip a greedy token (llama.cpp's sums are not bit-exact across batch shapes). Equality
        // with the cache is asserted where the batches match: the second turn above, and the text test.

        // One pixel differs: another hash, so neither cache may serve it.
        double misses = metric(cached, "llama_image_cache_misses_total");
        ArrayNode changed = showImage(say(messages(), "system", "You are terse."), imageOnePixelOff, "What is this?");
        JsonNode r4 = chat(cached, changed, ANSWER);
        assertEquals(encoded + 2, metric(cached, "llama_images_encoded_total"));
        assertTrue(metric(cached, "llama_image_encode_seconds_total") > timed, "the new encode is timed");
        assertEquals(misses + 1, metric(cached, "llama_image_cache_misses_total"));
        assertTrue(r4.at("/timings/prompt_n").asInt() >= imageTokens, r4.get("timings").toString());
        assertTrue(metric(cached, "llama_image_cache_bytes") <= metric(cached, "llama_image_cache_capacity_bytes"));
        assertEquals(0, metric(plain, "llama_image_cache_hits_total"));
    }

    @Test
    void aLongPromptIsAdmittedWhileAnotherStreamKeepsProducingTokens() throws Exception {
        String body = "{\"prompt\":\"Once upon a time\",\"stream\":true,\"ignore_eos\":true,\"max_tokens\":900}";
        AtomicInteger tokens = new AtomicInteger();
        try (Socket s = new Socket("127.0.0.1", cached.port())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.contains("data: {")) {
                            tokens.incrementAndGet();
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the test closed the socket
                }
            });
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (tokens.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(tokens.get() >= 3, "stream A started");
            // B: 640 prompt tokens, read 64 a step: about ten steps, each with a token of A.
            String longPrompt = "{\"prompt\":\"" + "word ".repeat(640) + "\",\"max_tokens\":1}";
            int before = tokens.get();
            HttpResponse<String> b = TestServers.post(cached, "/v1/completions", longPrompt, null);
            int during = tokens.get() - before;
            assertEquals(200, b.statusCode(), b.body());
            int promptTokens = Json.MAPPER.readTree(b.body()).at("/timings/prompt_n").asInt();
            assertTrue(promptTokens >= 600, b.body());
            assertTrue(during >= 3, "stream A produced " + during + " tokens while B's " + promptTokens
                    + "-token prompt was read");
            reader.interrupt();
        }
    }
}
