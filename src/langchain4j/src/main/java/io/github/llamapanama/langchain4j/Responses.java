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
                .aiMessage(a.toolCalls().isEmpty() ? AiMessage.from(a.text())
                        : AiMessage.builder().text(a.text().isEmpty() ? null : a.text())
                                .toolExecutionRequests(a.toolCalls().stream().map(Tools::request).toList()).build())
                .metadata(ChatResponseMetadata.builder()
                        .modelName(modelName)
                        .tokenUsage(new LlamaTokenUsage(a.promptTokens(), a.completionTokens(), a.cachedTokens()))
                        .finishReason(a.toolCalls().isEmpty() ? finishReason(a.finishReason()) : FinishReason.TOOL_EXECUTION)
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
