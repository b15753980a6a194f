package io.github.llamapanama.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import io.github.llamapanama.provider.Answer;

/** An {@link Answer} as a LangChain4j {@link ChatResponse}. */
final class Responses {
    private Responses() {}

    static ChatResponse response(Answer a, String modelName) {
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(a.text()))
                .metadata(ChatResponseMetadata.builder()
                        .modelName(modelName)
                        .tokenUsage(new LlamaTokenUsage(a.promptTokens(), a.completionTokens(), a.cachedTokens()))
                        .finishReason(finishReason(a.finishReason()))
                        .build())
                .build();
    }

    static FinishReason finishReason(io.github.llamapanama.generation.FinishReason r) {
        return switch (r) {
            case END_OF_GENERATION, STOP_STRING -> FinishReason.STOP;
            case MAX_TOKENS, CONTEXT_FULL -> FinishReason.LENGTH;
            case CANCELLED -> FinishReason.OTHER;
        };
    }
}
