package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every refusal is a clear 4xx in OpenAI's error shape. */
class ErrorPathsTest {
    private static final String KEY = "sk-test-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path allowed;
    private static LlamaServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(b -> b.apiKey(KEY).maxBodyBytes(64 << 10).maxImages(1)
                .projector(io.github.llamapanama.fixtures.Fixtures.tinyInternVlMmproj()).allowedFileDirectory(allowed));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode error(HttpResponse<String> r, int status) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertTrue(e != null && e.get("message").isTextual() && e.has("type") && e.has("param") && e.has("code"), r.body());
        return e;
    }

    private static JsonNode chat(String body, int status) throws Exception {
        return error(TestServers.post(server, "/v1/chat/completions", body, KEY), status);
    }

    private static String user(String content) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":" + content + "}],\"max_tokens\":4}";
    }

    private static String image(String url) {
        return user("[{\"type\":\"text\",\"text\":\"hi\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url + "\"}}]");
    }

    @Test
    void badJsonMissingFieldsAndWrongTypes() throws Exception {
        assertEquals("invalid_json", chat("{\"messages\": [", 400).get("code").asText());
        assertEquals("invalid_json", chat("[1,2]", 400).get("code").asText());
        assertEquals("messages", chat("{\"model\":\"x\"}", 400).get("param").asText());
        assertEquals("messages", chat("{\"messages\":\"hi\"}", 400).get("param").asText());
        assertEquals("messages[0].role", chat("{\"messages\":[{\"content\":\"hi\"}]}", 400).get("param").asText());
        assertEquals("messages[0].role", chat("{\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}", 400).get("param").asText());
        assertEquals("messages[0].content", chat(user("42"), 400).get("param").asText());
        assertEquals("max_tokens", chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":\"many\"}", 400)
                .get("param").asText());
        assertEquals("temperature", chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":7}", 400)
                .get("param").asText());
        assertEquals("stop", chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":5}", 400).get("param").asText());
        assertEquals("messages[0].content[0].type", chat(user("[{\"type\":\"video\"}]"), 400).get("param").asText());
        assertEquals("prompt", error(TestServers.post(server, "/v1/completions", "{\"prompt\":3}", KEY), 400).get("param").asText());
        assertEquals("input", error(TestServers.post(server, "/v1/embeddings", "{}", KEY), 400).get("param").asText());
    }

    @Test
    void unsupportedSchemaKeywordsAreRefused() throws Exception {
        JsonNode e = chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"json_schema\","
                + "\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"string\",\"pattern\":\"^a+$\"}}}}", 400);
        assertTrue(e.get("message").asText().contains("pattern"), e.toString());
        assertEquals("unsupported_schema", e.get("code").asText());
    }

    @Test
    void badImagesAndFilesOutsideTheAllowedDirectory() throws Exception {
        assertEquals("invalid_image_url", chat(image("data:image/png;base64,@@@not-base64@@@"), 400).get("code").asText());
        assertEquals("invalid_image_url", chat(image("data:image/png,rawbytes"), 400).get("code").asText());
        String garbage = Base64.getEncoder().encodeToString("this is not an image at all".getBytes());
        assertEquals("invalid_image", chat(image("data:image/png;base64," + garbage), 400).get("code").asText());
        Path outside = TestData.file("test-1.jpeg");
        assertEquals("file_access_denied", chat(image(outside.toUri().toString()), 403).get("code").asText());
        Path escape = allowed.resolve("../" + allowed.getParent().relativize(outside.toAbsolutePath()));
        assertEquals(403, TestServers.post(server, "/v1/chat/completions", image(escape.toUri().toString()), KEY).statusCode());
        Path inside = Files.copy(outside, allowed.resolve("inside.jpeg"));
        assertEquals(200, TestServers.post(server, "/v1/chat/completions", image(inside.toUri().toString()), KEY).statusCode());
        String two = user("[{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + inside.toUri() + "\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + inside.toUri() + "\"}}]");
        assertEquals("too_many_images", chat(two, 400).get("code").asText());
    }

    @Test
    void bodyTooLarge() throws Exception {
        String big = user("\"" + "a".repeat(100 << 10) + "\"");
        assertEquals("request_too_large", chat(big, 413).get("code").asText());
    }

    @Test
    void apiKeyRoutesAndMethods() throws Exception {
        assertEquals("invalid_api_key", error(TestServers.post(server, "/v1/chat/completions", user("\"hi\""), null), 401)
                .get("code").asText());
        assertEquals(401, TestServers.post(server, "/v1/chat/completions", user("\"hi\""), "wrong").statusCode());
        assertEquals(401, TestServers.get(server, "/v1/models", null).statusCode());
        assertEquals(200, TestServers.get(server, "/health", null).statusCode());
        assertEquals(200, TestServers.get(server, "/v1/models", KEY).statusCode());
        assertEquals("not_found", error(TestServers.get(server, "/v1/nothing", KEY), 404).get("code").asText());
        HttpResponse<String> wrong = TestServers.get(server, "/v1/chat/completions", KEY);
        assertEquals("method_not_allowed", error(wrong, 405).get("code").asText());
        HttpResponse<String> del = TestServers.HTTP.send(HttpRequest.newBuilder(TestServers.uri(server, "/health")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, del.statusCode());
        String metrics = TestServers.get(server, "/metrics", KEY).body();
        assertTrue(metrics.contains("llama_requests_total{endpoint=\"/v1/chat/completions\",status=\"401\"}"), metrics);
    }

    @Test
    void embeddingsAnswerOneVectorPerInput() throws Exception {
        HttpResponse<String> r = TestServers.post(server, "/v1/embeddings", "{\"input\":[\"a cat\",\"a dog\"]}", KEY);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode data = JSON.readTree(r.body()).get("data");
        assertEquals(2, data.size());
        assertTrue(data.get(0).get("embedding").size() > 8);
    }
}
