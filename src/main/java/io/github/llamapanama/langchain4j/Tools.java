package io.github.llamapanama.langchain4j;

import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;

/** Tool calling: not wired yet (the library's tool-call support is being built). */
final class Tools {
    private Tools() {}

    static void refuse(ChatRequestParameters p) {
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("tool calling is not supported by llama-panama's LangChain4j model yet");
        }
    }
}
