package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.sampling.JsonSchemaGrammar;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.sampling.SamplingParams;

import java.util.List;

/**
 * The sampling and stopping fields that chat and text completions share: max_tokens
 * (max_completion_tokens), temperature, top_p, seed, stop, n, stream, stream_options and
 * response_format, plus llama.cpp's ignore_eos.
 */
record GenerationRequest(SamplingParams sampling, GenerationParams generation, boolean stream, boolean includeUsage) {

    static GenerationRequest parse(ObjectNode body) {
        Long n = Json.integer(body, "n", 1, 1);
        assert n == null || n == 1;
        SamplingParams.Builder s = SamplingParams.builder();
        Double temperature = Json.number(body, "temperature", 0, 2);
        if (temperature != null) {
            s.temperature(temperature.floatValue());
        }
        Double topP = Json.number(body, "top_p", 0, 1);
        if (topP != null) {
            s.topP(topP.floatValue());
        }
        Long seed = Json.integer(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        if (seed != null) {
            s.seed(seed & 0xFFFF_FFFFL); // llama.cpp seeds are uint32
        }
        Double frequency = Json.number(body, "frequency_penalty", -2, 2);
        if (frequency != null) {
            s.penaltyFreq(frequency.floatValue());
        }
        Double presence = Json.number(body, "presence_penalty", -2, 2);
        if (presence != null) {
            s.penaltyPresent(presence.floatValue());
        }
        s.ignoreEos(Json.bool(body, "ignore_eos", false));
        String grammar = grammar(body);
        if (grammar != null) {
            s.grammar(grammar);
        }
        Long max = Json.integer(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
        if (max == null) {
            max = Json.integer(body, "max_tokens", 1, Integer.MAX_VALUE);
        }
        List<String> stops = Json.stringOrArray(body, "stop");
        if (stops.size() > 16) {
            throw ApiException.invalid("'stop' takes at most 16 strings", "stop");
        }
        if (stops.stream().anyMatch(String::isEmpty)) {
            throw ApiException.invalid("'stop' strings must not be empty", "stop");
        }
        GenerationParams g = GenerationParams.defaults().withStopStrings(stops.toArray(String[]::new));
        if (max != null) {
            g = g.withMaxTokens(max.intValue());
        }
        boolean stream = Json.bool(body, "stream", false);
        boolean usage = false;
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw Json.wrongType("stream_options", "an object", options);
            }
            usage = Json.bool(options, "include_usage", false);
        }
        try {
            return new GenerationRequest(s.build(), g, stream, usage);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage(), null);
        }
    }

    /** response_format as a GBNF grammar, or null for free text. */
    private static String grammar(ObjectNode body) {
        JsonNode format = body.get("response_format");
        if (format == null || format.isNull()) {
            return null;
        }
        if (!format.isObject()) {
            throw Json.wrongType("response_format", "an object", format);
        }
        String type = Json.string(format, "type", "response_format.type", null);
        if (type == null) {
            throw ApiException.invalid("missing required parameter 'response_format.type'", "response_format.type");
        }
        return switch (type) {
            case "text" -> null;
            case "json_object" -> JsonSchemaGrammar.anyObject();
            case "json_schema" -> {
                JsonNode wrapper = Json.required(format, "json_schema", "response_format.json_schema");
                if (!wrapper.isObject()) {
                    throw Json.wrongType("response_format.json_schema", "an object", wrapper);
                }
                JsonNode schema = wrapper.has("schema") ? wrapper.get("schema") : null;
                if (schema == null || schema.isNull()) {
                    yield JsonSchemaGrammar.anyObject();
                }
                try {
                    yield JsonSchemaGrammar.compile(schema);
                } catch (JsonSchemaGrammar.UnsupportedSchemaException e) {
                    throw ApiException.invalid(e.getMessage(), "response_format.json_schema.schema", "unsupported_schema");
                }
            }
            default -> throw ApiException.invalid("response_format.type must be text, json_object or json_schema, was '"
                    + type + "'", "response_format.type");
        };
    }

    /** A sampler for this request (each request has its own). */
    Sampler newSampler(Engine engine) {
        try {
            return Sampler.of(sampling, engine.model.vocab(), engine.scheduler.slotContextSize());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("bad sampling parameters: " + e.getMessage(), null);
        }
    }
}
