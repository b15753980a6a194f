package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

/** {@code POST /v1/embeddings}: input string or array of strings; float or base64 encoding. */
final class EmbeddingsHandler implements Router.Endpoint {
    private static final int MAX_INPUTS = 256;
    private final Engine engine;

    EmbeddingsHandler(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void handle(Exchange ex) throws IOException {
        ObjectNode body = Json.parseObject(ex.body(engine.config.maxBodyBytes()));
        Json.required(body, "input", "input");
        List<String> input = Json.stringOrArray(body, "input");
        if (input.isEmpty() || input.size() > MAX_INPUTS || input.stream().anyMatch(String::isEmpty)) {
            throw ApiException.invalid("'input' must be 1 to " + MAX_INPUTS + " non-empty strings", "input");
        }
        String encoding = Json.string(body, "encoding_format", "encoding_format", "float");
        if (!encoding.equals("float") && !encoding.equals("base64")) {
            throw ApiException.invalid("encoding_format must be float or base64", "encoding_format");
        }
        int tokens = 0;
        for (String s : input) {
            int n = engine.model.vocab().tokenize(s, true, true).length;
            if (n > 512) {
                throw ApiException.invalid("an input has " + n + " tokens; the limit is 512", "input",
                        "context_length_exceeded");
            }
            tokens += n;
        }
        List<float[]> vectors = engine.embed(input);
        ObjectNode out = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            ObjectNode d = data.addObject().put("object", "embedding").put("index", i);
            float[] v = vectors.get(i);
            if (encoding.equals("base64")) {
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                d.put("embedding", Base64.getEncoder().encodeToString(b.array()));
            } else {
                ArrayNode a = d.putArray("embedding");
                for (float f : v) {
                    a.add(f);
                }
            }
        }
        out.put("model", engine.config.modelName());
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        engine.metrics.promptTokens.add(tokens);
        ex.sendJson(200, out);
    }
}
