package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With InternVL tiling on, the image cache keeps each tile: a changed tile misses, the others hit. */
class TiledImageCacheTest {

    private static String png(BufferedImage img) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static void ask(LlamaServer s, String image, String system) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode().put("max_tokens", 2).put("temperature", 0);
        ArrayNode m = body.putArray("messages");
        m.addObject().put("role", "system").put("content", system);
        ArrayNode parts = m.addObject().put("role", "user").putArray("content");
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", image);
        parts.addObject().put("type", "text").put("text", "What is this?");
        HttpResponse<String> r = TestServers.post(s, "/v1/chat/completions", body.toString(), null);
        assertEquals(200, r.statusCode(), r.body());
        int imageTokens = Fixtures.imageTokens();
        assertTrue(Json.MAPPER.readTree(r.body()).at("/usage/prompt_tokens").asInt() > 3 * imageTokens,
                "two tiles and a thumbnail: " + r.body());
    }

    private static double metric(LlamaServer s, String name) throws Exception {
        return TestServers.metric(TestServers.get(s, "/metrics", null).body(), name);
    }

    @Test
    void eachTileIsCachedOnItsOwn() throws Exception {
        BufferedImage photo = ImageIO.read(TestData.file("test-1.jpeg").toFile());
        BufferedImage wide = new BufferedImage(896, 448, BufferedImage.TYPE_INT_RGB);
        wide.getGraphics().drawImage(photo, 0, 0, 896, 448, null);
        String image = png(wide);
        for (int y = 100; y < 104; y++) { // a small white patch in the left tile
            for (int x = 100; x < 104; x++) {
                wide.setRGB(x, y, 0xFFFFFF);
            }
        }
        String leftChanged = png(wide);
        try (LlamaServer s = TestServers.start(b -> b.projector(Fixtures.tinyInternVlMmproj()).slotContextSize(1024)
                .maxTiles(2))) {
            ask(s, image, "First.");
            assertEquals(3, metric(s, "llama_images_encoded_total"), "2x1 tiles and a thumbnail");
            assertEquals(3, metric(s, "llama_image_cache_entries"));

            ask(s, image, "Second, another conversation.");
            assertEquals(3, metric(s, "llama_images_encoded_total"));
            assertEquals(3, metric(s, "llama_image_cache_hits_total"));

            ask(s, leftChanged, "Third.");
            double encoded = metric(s, "llama_images_encoded_total") - 3;
            double hits = metric(s, "llama_image_cache_hits_total") - 3;
            assertTrue(encoded >= 1 && encoded <= 2, "the left tile (and the thumbnail) encoded again: " + encoded);
            assertEquals(3, encoded + hits, "the right tile came from the cache");
            assertTrue(hits >= 1);
        }
    }
}
