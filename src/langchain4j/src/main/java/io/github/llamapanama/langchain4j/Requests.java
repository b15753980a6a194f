package io.github.llamapanama.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import io.github.llamapanama.chat.ToolSpec;
import io.github.llamapanama.generation.GenerationParams;

import java.util.List;
import io.github.llamapanama.sampling.SamplingParams;
import io.github.llamapanama.sampling.JsonSchemaGrammar;

/** LangChain4j request parameters as llama.cpp sampling and stopping settings. */
final class Requests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Requests() {}

    record Plan(SamplingParams sampling, GenerationParams generation, List<ToolSpec> tools) {}

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
        List<ToolSpec> tools = Tools.specs(p);
        String grammar = grammar(p.responseFormat());
        if (grammar != null) {
            if (!tools.isEmpty()) {
                throw new UnsupportedFeatureException("a JSON response format and tools in one request: choose one");
            }
            s.grammar(grammar);
        }
        GenerationParams g = GenerationParams.defaults();
        if (p.maxOutputTokens() != null) {
            g = g.withMaxTokens(p.maxOutputTokens());
        }
        if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
            g = g.withStopStrings(p.stopSequences().toArray(String[]::new));
        }
        return new Plan(Tools.constrain(s.build(), tools, p), g, tools);
    }

    /**
     * LangChain4j's schemas of records and classes leave "required" empty; a Java record has every
     * component, and a property the model may skip becomes a null field. So an object without
     * required properties requires all of them (as OpenAI's strict mode does); an explicit
     * non-empty "required" is kept.
     */
    static void requireAll(JsonNode node) {
        if (node instanceof ObjectNode o) {
            JsonNode properties = o.get("properties");
            JsonNode required = o.get("required");
            if (properties instanceof ObjectNode props && !props.isEmpty() && (required == null || required.isEmpty())) {
                ArrayNode all = o.putArray("required");
                props.fieldNames().forEachRemaining(all::add);
            }
        }
        node.forEach(Requests::requireAll);
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
        requireAll(node);
        try {
            return JsonSchemaGrammar.compile(node);
        } catch (JsonSchemaGrammar.UnsupportedSchemaException e) {
            throw new UnsupportedFeatureException("JSON schema '" + schema.name() + "': " + e.getMessage());
        }
    }
}
