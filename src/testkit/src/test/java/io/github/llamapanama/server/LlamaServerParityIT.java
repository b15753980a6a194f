package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.bench.NativeTools;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same chat requests to llama-panama's server and to llama.cpp's llama-server from the same
 * build (with {@code --jinja}, so both render the model's own template), on the tiny fixtures,
 * greedy: the same prompt tokens and the same answer, token for token. Text, an image after the
 * question and before it (content parts joined by newlines, as llama-server does), and a system
 * prompt. Both evaluate each prompt whole (no prompt cache, one prefill step), as llama-server
 * does without a cache, so the two compute the same batches.
 */
class LlamaServerParityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LlamaServer ours;
    private static Process theirs;
    private static Path theirLog;
    private static URI theirBase;

    @BeforeAll
    static void start() throws Exception {
        Path exe = NativeTools.staged().find("llama-server")
                .orElseThrow(() -> new AssertionError("build-native.sh stages llama-server with the tools"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        theirLog = Files.createTempFile("llama-server-parity", ".log");
        theirs = new ProcessBuilder(exe.toString(), "-m", Fixtures.tinyQwen2().toString(),
                "--mmproj", Fixtures.tinyInternVlMmproj().toString(), "--jinja", "--no-webui",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "-np", "1", "-c", "2048", "-t", "2", "-tb", "2")
                .redirectErrorStream(true).redirectOutput(theirLog.toFile()).start();
        theirBase = URI.create("http://127.0.0.1:" + port);
        ours = TestServers.start(b -> b.projector(Fixtures.tinyInternVlMmproj()).parallel(1).slotContextSize(2048)
                .promptCache(false).prefillChunk(2048));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!healthy()) {
            if (!theirs.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("llama-server did not come up; its log:\n" + Files.readString(theirLog));
            }
            Thread.sleep(100);
        }
    }

    private static boolean healthy() {
        try {
            return TestServers.HTTP.send(HttpRequest.newBuilder(theirBase.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (ours != null) {
            ours.close();
        }
        if (theirs != null) {
            theirs.destroy();
            if (!theirs.waitFor(10, TimeUnit.SECONDS)) {
                theirs.destroyForcibly();
            }
        }
    }

    private static JsonNode theirAnswer(String body) throws Exception {
        HttpResponse<String> r = TestServers.HTTP.send(HttpRequest.newBuilder(theirBase.resolve("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode ourAnswer(String body) throws Exception {
        HttpResponse<String> r = TestServers.post(ours, "/v1/chat/completions", body, null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static void assertSameAnswer(ObjectNode request) throws Exception {
        request.put("temperature", 0).put("max_tokens", 24).put("cache_prompt", false).put("logprobs", true);
        String body = JSON.writeValueAsString(request);
        JsonNode a = ourAnswer(body);
        JsonNode b = theirAnswer(body);
        assertEquals(b.at("/usage/prompt_tokens").asInt(), a.at("/usage/prompt_tokens").asInt(), "prompt tokens");
        assertEquals(b.at("/usage/completion_tokens").asInt(), a.at("/usage/completion_tokens").asInt());
        // Token for token, by the answer's bytes: the random-weight model writes invalid UTF-8,
        // which the two servers replace differently in the text (llama-server's JSON writer puts
        // one U+FFFD per bad byte, Java one per maximal bad subsequence, as Unicode recommends),
        // and llama-server holds a token's incomplete UTF-8 back into the next logprobs entry
        // (dropping it at the end), where llama-panama reports each token's own bytes.
        byte[] theirBytes = answerBytes(b);
        byte[] ourBytes = answerBytes(a);
        assertTrue(theirBytes.length > 0);
        assertTrue(ourBytes.length >= theirBytes.length && ourBytes.length - theirBytes.length <= 3,
                "lengths " + ourBytes.length + " and " + theirBytes.length);
        assertArrayEquals(theirBytes, Arrays.copyOf(ourBytes, theirBytes.length), "greedy answer, byte for byte");
        String theirText = b.at("/choices/0/message/content").asText();
        if (!theirText.contains("\uFFFD")) {
            assertEquals(theirText, a.at("/choices/0/message/content").asText(), "greedy answer");
        }
    }

    private static byte[] answerBytes(JsonNode response) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        response.at("/choices/0/logprobs/content").forEach(t -> t.get("bytes").forEach(x -> out.write(x.asInt())));
        return out.toByteArray();
    }

    private static ObjectNode chat(List<ObjectNode> messages) {
        ObjectNode r = JSON.createObjectNode();
        ArrayNode m = r.putArray("messages");
        messages.forEach(m::add);
        return r;
    }

    private static ObjectNode message(String role, String text) {
        return JSON.createObjectNode().put("role", role).put("content", text);
    }

    private static ObjectNode userWithImage(String text, boolean imageFirst) throws IOException {
        String url = "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(TestData.file("test-1.jpeg")));
        ObjectNode user = JSON.createObjectNode().put("role", "user");
        ArrayNode parts = user.putArray("content");
        List<ObjectNode> ordered = new ArrayList<>();
        ordered.add(JSON.createObjectNode().put("type", "text").put("text", text));
        ObjectNode image = JSON.createObjectNode().put("type", "image_url");
        image.putObject("image_url").put("url", url);
        ordered.add(imageFirst ? 0 : 1, image);
        ordered.forEach(parts::add);
        return user;
    }

    @Test
    void text() throws Exception {
        assertSameAnswer(chat(List.of(message("user", "Write about topic 7."))));
    }

    @Test
    void systemPromptAndTwoTurns() throws Exception {
        assertSameAnswer(chat(List.of(message("system", "You answer briefly."), message("user", "Hello"),
                message("assistant", "Hi there."), message("user", "Tell me a story about a cat."))));
    }

    @Test
    void imageAfterTheQuestion() throws Exception {
        assertSameAnswer(chat(List.of(userWithImage("Describe the image.", false))));
    }

    @Test
    void imageBeforeTheQuestion() throws Exception {
        assertSameAnswer(chat(List.of(userWithImage("What is in the picture?", true))));
    }
}
