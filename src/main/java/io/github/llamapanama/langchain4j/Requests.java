package io.github.llamapanama.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.sampling.SamplingParams;
import io.github.llamapanama.server.JsonSchemaGrammar;

/** LangChain4j request parameters as llama.cpp sampling and stopping settings. */
final class Requests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Requests() {}

    record Plan(SamplingParams sampling, GenerationParams generation) {}

    static Plan plan(ChatRequestParameters p) {
        SamplingParams.Builder s = SamplingParams.builder();
        if (p.temperature() != null) {
            s.temperature(p.temperature().floatValue());
        }
        if (p.topP() != null) {
            s.topP(p.topP().floatValue());
        }
        if (p.topK() != null) {
            s.topK(p.topK());
        }
        if (p.frequencyPenalty() != null) {
            s.penaltyFreq(p.frequencyPenalty().floatValue());
        }
        if (p.presencePenalty() != null) {
            s.penaltyPresent(p.presencePenalty().floatValue());
        }
        if (p instanceof LlamaChatRequestParameters l) {
            if (l.seed() != null) {
                s.seed(l.seed() & 0xFFFF_FFFFL); // llama.cpp seeds are uint32
            }
            if (l.minP() != null) {
                s.minP(l.minP().floatValue());
            }
            if (l.repeatPenalty() != null) {
                s.penaltyRepeat(l.repeatPenalty().floatValue());
            }
        }
        String grammar = grammar(p.responseFormat());
        if (grammar != null) {
            s.grammar(grammar);
        }
        GenerationParams g = GenerationParams.defaults();
        if (p.maxOutputTokens() != null) {
            g = g.withMaxTokens(p.maxOutputTokens());
        }
        if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
            g = g.withStopStrings(p.stopSequences().toArray(String[]::new));
        }
        return new Plan(s.build(), g);
    }

    /** JSON mode and JSON schemas as a GBNF grammar (the server's compiler); null for text. */
    static String grammar(ResponseFormat format) {
        if (format == null || format.type() != ResponseFormatType.JSON) {
            return null;
        }
        JsonSchema schema = format.jsonSchema();
        if (schema == null || schema.rootElement() == null) {
            return JsonSchemaGrammar.anyObject();
        }
        JsonNode node = JSON.valueToTree(JsonSchemaElementUtils.toMap(schema.rootElement()));
        try {
            return JsonSchemaGrammar.compile(node);
        } catch (JsonSchemaGrammar.UnsupportedSchemaException e) {
            throw new UnsupportedFeatureException("JSON schema '" + schema.name() + "': " + e.getMessage());
        }
    }
}
