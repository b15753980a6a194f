package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** OpenAI's error JSON for an {@link ApiException}. */
final class ErrorBody {
    private ErrorBody() {
    }

    static ObjectNode of(ApiException e) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", e.type);
        error.put("param", e.param);
        error.put("code", e.code);
        return root;
    }
}
