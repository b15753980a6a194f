package io.github.llamapanama.langchain4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import io.github.llamapanama.chat.ToolCall;
import io.github.llamapanama.chat.ToolChoice;
import io.github.llamapanama.chat.ToolGrammar;
import io.github.llamapanama.chat.ToolSpec;
import io.github.llamapanama.sampling.SamplingParams;

import java.util.List;

/**
 * LangChain4j tools on the library's tool-call support: {@link ToolSpecification}s become
 * {@link ToolSpec}s that the chat template shows the model, REQUIRED and AUTO tool choices
 * constrain sampling with {@link ToolGrammar} (REQUIRED admits only a well-formed call; AUTO
 * lets text flow until the model opens a call, which must then be well formed), and the
 * Hermes-format calls in the answer come back as {@link ToolExecutionRequest}s. One call per
 * answer (AiServices runs them in sequence).
 */
final class Tools {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Tools() {}

    /** The tools to show, or none when the choice is NONE. */
    static List<ToolSpec> specs(ChatRequestParameters p) {
        if (p.toolSpecifications() == null || p.toolSpecifications().isEmpty()
                || p.toolChoice() == dev.langchain4j.model.chat.request.ToolChoice.NONE) {
            return List.of();
        }
        return p.toolSpecifications().stream().map(Tools::spec).toList();
    }

    static ToolSpec spec(ToolSpecification t) {
        ToolSpec.Builder b = ToolSpec.builder(t.name()).description(t.description() == null ? "" : t.description());
        if (t.parameters() != null) {
            try {
                b.parameters(JSON.writeValueAsString(JsonSchemaElementUtils.toMap(t.parameters())));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("tool " + t.name() + ": " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /** Sampling constrained to the tool choice (AUTO when the request names none). */
    static SamplingParams constrain(SamplingParams sampling, List<ToolSpec> tools, ChatRequestParameters p) {
        if (tools.isEmpty()) {
            return sampling;
        }
        ToolChoice choice = p.toolChoice() == dev.langchain4j.model.chat.request.ToolChoice.REQUIRED
                ? ToolChoice.required() : ToolChoice.auto();
        return ToolGrammar.constrain(sampling.toBuilder(), tools, choice, false).build();
    }

    static ToolExecutionRequest request(ToolCall call) {
        return ToolExecutionRequest.builder().id(call.id()).name(call.name()).arguments(call.arguments()).build();
    }

    static ToolCall call(ToolExecutionRequest r) {
        return new ToolCall(r.id() == null ? ToolCall.newId() : r.id(), r.name(),
                r.arguments() == null || r.arguments().isBlank() ? "{}" : r.arguments());
    }
}
