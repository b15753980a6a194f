package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.chat.ToolChoice;
import io.github.llamapanama.chat.ToolSpec;

import java.util.ArrayList;
import java.util.List;

/** A chat request's {@code tools}, {@code tool_choice} and {@code parallel_tool_calls}. */
record ToolRequest(List<ToolSpec> tools, ToolChoice choice, boolean parallel) {
    static final ToolRequest NONE = new ToolRequest(List.of(), ToolChoice.none(), true);

    /** True when the model sees the tools and its answer is parsed for calls. */
    boolean active() {
        return !tools.isEmpty() && !(choice instanceof ToolChoice.None);
    }

    static ToolRequest parse(ObjectNode body) {
        List<ToolSpec> tools = tools(body.get("tools"));
        ToolChoice choice = choice(body.get("tool_choice"), tools);
        boolean parallel = Json.bool(body, "parallel_tool_calls", true);
        return new ToolRequest(tools, choice, parallel);
    }

    private static List<ToolSpec> tools(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw Json.wrongType("tools", "an array", node);
        }
        if (node.size() > 128) {
            throw ApiException.invalid("'tools' takes at most 128 functions", "tools");
        }
        List<ToolSpec> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "tools[" + i + "]";
            JsonNode t = node.get(i);
            if (!t.isObject()) {
                throw Json.wrongType(path, "an object", t);
            }
            String type = Json.string(t, "type", path + ".type", "function");
            if (!type.equals("function")) {
                throw ApiException.invalid(path + ".type must be function, was '" + type + "'", path + ".type");
            }
            JsonNode f = Json.required(t, "function", path + ".function");
            if (!f.isObject()) {
                throw Json.wrongType(path + ".function", "an object", f);
            }
            String name = Json.string(f, "name", path + ".function.name", null);
            if (name == null) {
                throw ApiException.invalid("missing required parameter '" + path + ".function.name'",
                        path + ".function.name", "missing_required_parameter");
            }
            String description = Json.string(f, "description", path + ".function.description", "");
            JsonNode parameters = f.get("parameters");
            if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
                throw Json.wrongType(path + ".function.parameters", "a JSON Schema object", parameters);
            }
            try {
                out.add(ToolSpec.of(name, description, parameters == null || parameters.isNull() ? null
                        : parameters.toString()));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(e.getMessage(), path + ".function");
            }
        }
        if (out.stream().map(ToolSpec::name).distinct().count() != out.size()) {
            throw ApiException.invalid("tool names must be unique", "tools");
        }
        return List.copyOf(out);
    }

    private static ToolChoice choice(JsonNode node, List<ToolSpec> tools) {
        if (node == null || node.isNull()) {
            return tools.isEmpty() ? ToolChoice.none() : ToolChoice.auto();
        }
        ToolChoice choice;
        if (node.isTextual()) {
            choice = switch (node.textValue()) {
                case "auto" -> ToolChoice.auto();
                case "none" -> ToolChoice.none();
                case "required" -> ToolChoice.required();
                default -> throw ApiException.invalid("tool_choice must be none, auto, required or a function, was '"
                        + node.textValue() + "'", "tool_choice");
            };
        } else if (node.isObject()) {
            JsonNode f = node.get("function");
            String name = f == null ? null : Json.string(f, "name", "tool_choice.function.name", null);
            if (name == null) {
                throw ApiException.invalid("missing required parameter 'tool_choice.function.name'",
                        "tool_choice.function.name", "missing_required_parameter");
            }
            if (tools.stream().noneMatch(t -> t.name().equals(name))) {
                throw ApiException.invalid("tool_choice names '" + name + "', which is not among the tools",
                        "tool_choice.function.name");
            }
            choice = ToolChoice.function(name);
        } else {
            throw Json.wrongType("tool_choice", "a string or an object", node);
        }
        if (tools.isEmpty() && choice instanceof ToolChoice.Required) {
            throw ApiException.invalid("tool_choice is required but there are no tools", "tool_choice");
        }
        return choice;
    }
}
