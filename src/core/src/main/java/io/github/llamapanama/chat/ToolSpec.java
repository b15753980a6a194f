package io.github.llamapanama.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A function the model may call, as OpenAI's {@code tools[].function} describes it.
 *
 * {@snippet :
 * ToolSpec weather = ToolSpec.builder("get_weather")
 *         .description("Current weather in a city")
 *         .parameters("""
 *                 {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}""")
 *         .build();
 * }
 *
 * @param name        the function's name: letters, digits, {@code _} and {@code -}, at most 64
 * @param description what it does, for the model; may be empty
 * @param parameters  its arguments as a JSON Schema object, in JSON text ({@code {"type": "object", ...}});
 *                    the text's key order is kept when the template prints it
 */
public record ToolSpec(String name, String description, String parameters) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NO_PARAMETERS = "{\"type\": \"object\", \"properties\": {}}";

    public ToolSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a tool name has 1 to 64 letters, digits, '_' or '-': '" + name + "'");
        }
        description = description == null ? "" : description;
        parameters = parameters == null || parameters.isBlank() ? NO_PARAMETERS : parameters;
        JsonNode schema = parse(parameters, "the parameters of tool '" + name + "'");
        if (!schema.isObject()) {
            throw new IllegalArgumentException("the parameters of tool '" + name + "' must be a JSON Schema object");
        }
    }

    /** A tool with a description and a JSON Schema for its parameters. */
    public static ToolSpec of(String name, String description, String parameters) {
        return new ToolSpec(name, description, parameters);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The parameters schema as a tree. */
    JsonNode parametersTree() {
        return parse(parameters, "parameters");
    }

    static JsonNode parse(String json, String what) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static final class Builder {
        private final String name;
        private String description = "";
        private String parameters = NO_PARAMETERS;

        private Builder(String name) {
            this.name = name;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** The arguments' JSON Schema, as JSON text. */
        public Builder parameters(String jsonSchema) {
            this.parameters = jsonSchema;
            return this;
        }

        public ToolSpec build() {
            return new ToolSpec(name, description, parameters);
        }
    }
}
