package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.chat.ToolGrammar;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.Logprobs;
import io.github.llamapanama.sampling.GrammarException;
import io.github.llamapanama.sampling.JsonSchemaGrammar;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.sampling.SamplingParams;

import java.util.List;

/**
 * The sampling and stopping fields that chat and text completions share: max_tokens
 * (max_completion_tokens), temperature, top_p, seed, stop, n, stream, stream_options,
 * response_format and logprobs, plus llama-server's ignore_eos and grammar (GBNF text); and the
 * grammar tool calls need.
 *
 * @param n        choices to generate, each in its own sequence
 * @param logprobs -1 none; else the log-probability of each token and this many top ones
 */
record GenerationRequest(SamplingParams sampling, GenerationParams generation, boolean stream, boolean includeUsage,
                         int n, int logprobs) {
    /** Most choices one request may ask for. */
    static final int MAX_N = 16;

    static GenerationRequest parse(ObjectNode body) {
        return parse(body, false, ToolRequest.NONE);
    }

    /**
     * @param chat  chat completions (logprobs is a boolean with top_logprobs) rather than text
     *              completions (logprobs is the number of top tokens)
     * @param tools the tools of a chat request, whose calls a grammar may constrain
     */
    static GenerationRequest parse(ObjectNode body, boolean chat, ToolRequest tools) {
        Long n = Json.integer(body, "n", 1, MAX_N);
        int logprobs = logprobs(body, chat);
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
            if (tools.active()) {
                throw ApiException.invalid("response_format cannot be combined with tools (set tool_choice to none)",
                        "response_format");
            }
            s.grammar(grammar);
        }
        String custom = Json.string(body, "grammar", "grammar", null); // llama-server's raw GBNF field
        if (custom != null && grammar != null) {
            throw ApiException.invalid("grammar cannot be combined with response_format", "grammar");
        }
        if (custom != null) {
            s.grammar(custom); // the caller's grammar wins over the one tool calls would get
        } else if (tools.active()) {
            ToolGrammar.constrain(s, tools.tools(), tools.choice(), tools.parallel());
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
            return new GenerationRequest(s.build(), g, stream, usage, n == null ? 1 : n.intValue(), logprobs);
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

    private static int logprobs(ObjectNode body, boolean chat) {
        if (!chat) {
            Long top = Json.integer(body, "logprobs", 0, 5);
            return top == null ? -1 : top.intValue();
        }
        boolean on = Json.bool(body, "logprobs", false);
        Long top = Json.integer(body, "top_logprobs", 0, Logprobs.MAX_TOP);
        if (top != null && !on) {
            throw ApiException.invalid("top_logprobs needs logprobs set to true", "top_logprobs");
        }
        return on ? (top == null ? 0 : top.intValue()) : -1;
    }

    /** A sampler for this request (each request has its own). */
    Sampler newSampler(Engine engine) {
        return newSampler(engine, 0);
    }

    /**
     * A sampler for choice {@code index}: with a fixed seed, choice i samples with seed + i, so
     * that n choices differ and the request stays reproducible.
     */
    Sampler newSampler(Engine engine, int index) {
        SamplingParams p = sampling;
        if (index > 0 && p.seed() != Sampler.RANDOM_SEED) {
            p = p.toBuilder().seed((p.seed() + index) & 0xFFFF_FFFFL).build();
        }
        try {
            return Sampler.of(p, engine.model.vocab(), engine.scheduler.slotContextSize());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("bad sampling parameters: " + e.getMessage(), null);
        } catch (GrammarException e) {
            throw ApiException.invalid("bad grammar: " + e.getMessage(), "grammar");
        }
    }
}
