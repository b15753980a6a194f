package io.github.llamapanama.bench.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.SplittableRandom;

import static io.github.llamapanama.bench.server.OpenAiClient.JSON;

/** The request bodies of the server benchmark: the same bytes for both servers. */
final class Prompts {
    private static final String[] WORDS = ("the a river mountain city light garden window morning evening story"
            + " quiet green blue old new small large road bridge market harbour winter summer voice letter").split(" ");

    private Prompts() {}

    /** Greedy, a fixed answer length (end-of-generation tokens ignored, as llama-server's ignore_eos). */
    static ObjectNode body(int maxTokens) {
        ObjectNode b = JSON.createObjectNode();
        b.put("model", "bench");
        b.put("max_tokens", maxTokens);
        b.put("temperature", 0.0);
        b.put("ignore_eos", true);
        b.putArray("messages");
        return b;
    }

    static ObjectNode text(int maxTokens, String user) {
        ObjectNode b = body(maxTokens);
        message((ArrayNode) b.get("messages"), "user", user);
        return b;
    }

    static void message(ArrayNode messages, String role, String content) {
        ObjectNode m = messages.addObject();
        m.put("role", role);
        m.put("content", content);
    }

    /** A user message with text and one image as a data URI, as OpenAI clients send it. */
    static void imageMessage(ArrayNode messages, String text, String dataUri) {
        ObjectNode m = messages.addObject();
        m.put("role", "user");
        ArrayNode parts = m.putArray("content");
        parts.addObject().put("type", "text").put("text", text);
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", dataUri);
    }

    /** About {@code tokens} tokens of plain words (one word is about one token in BPE vocabularies). */
    static String words(int tokens, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder s = new StringBuilder("Summarise this text in one line:");
        for (int i = 0; i < tokens; i++) {
            s.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
        }
        return s.toString();
    }

    /** The benchmark's drawn image with one pixel set from {@code variant}, as a PNG data URI. */
    static String image(Path png, int variant) {
        try {
            BufferedImage img = ImageIO.read(Files.newInputStream(png));
            int x = variant % img.getWidth();
            int y = (variant / img.getWidth()) % img.getHeight();
            img.setRGB(x, y, 0xFF000000 | (img.getRGB(x, y) ^ 0x00FFFFFF)); // one pixel, its colour inverted
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + png, e);
        }
    }
}
