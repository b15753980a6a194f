package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The small read-only endpoints: {@code /v1/models}, {@code /health} and {@code /metrics}. */
final class InfoEndpoints {
    private final Engine engine;

    InfoEndpoints(Engine engine) {
        this.engine = engine;
    }

    void models(Exchange ex) throws IOException {
        ObjectNode out = Json.MAPPER.createObjectNode().put("object", "list");
        out.putArray("data").addObject().put("id", engine.config.modelName()).put("object", "model")
                .put("created", engine.created).put("owned_by", "llama-panama");
        ex.sendJson(200, out);
    }

    void health(Exchange ex) throws IOException {
        ex.sendJson(200, Json.MAPPER.createObjectNode().put("status", "ok"));
    }

    void metrics(Exchange ex) throws IOException {
        ex.send(200, Metrics.contentType(),
                engine.metrics.render().getBytes(StandardCharsets.UTF_8));
    }
}
