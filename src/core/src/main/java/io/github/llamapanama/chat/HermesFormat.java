package io.github.llamapanama.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.chat.jinja.PythonJson;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hermes tool-call format that Qwen2.5 and InternVL3 were trained on: the model writes
 * {@code <tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>} blocks, and reads tool
 * results inside {@code <tool_response>} in a user turn. This class holds the format's text: the
 * system prompt that lists tools (for templates that do not print tools themselves), a call as
 * the model writes it, and the parse of one call's JSON.
 */
final class HermesFormat {
    static final String OPEN = "<tool_call>";
    static final String CLOSE = "</tool_call>";

    private HermesFormat() {
    }

    /** Qwen2.5's tool instructions, for templates that have none. */
    static String systemPrompt(List<ToolSpec> tools) {
        StringBuilder s = new StringBuilder("# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>");
        for (ToolSpec t : tools) {
            s.append('\n').append(PythonJson.dumps(toolMap(t)));
        }
        return s.append("\n</tools>\n\nFor each function call, return a json object with function name and arguments"
                + " within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\":"
                + " <args-json-object>}\n</tool_call>").toString();
    }

    /** A call as Qwen2.5's template writes it into an assistant turn. */
    static String callText(ToolCall call) {
        return OPEN + "\n{\"name\": \"" + call.name() + "\", \"arguments\": " + call.arguments() + "}\n" + CLOSE;
    }

    static String responseText(String content) {
        return "<tool_response>\n" + content + "\n</tool_response>";
    }

    /** OpenAI's tools[] entry as a template expects it (key order as OpenAI writes it). */
    static Map<String, Object> toolMap(ToolSpec t) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", t.name());
        if (!t.description().isEmpty()) {
            function.put("description", t.description());
        }
        function.put("parameters", ToolSpec.JSON.convertValue(t.parametersTree(), Map.class));
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        return tool;
    }

    /**
     * One call's JSON, {@code {"name": ..., "arguments": {...}}} (arguments may also be a string
     * holding a JSON object), for a tool in {@code tools}; null when it is anything else.
     */
    static ToolCall parseCall(String json, List<ToolSpec> tools) {
        JsonNode node;
        try {
            node = ToolSpec.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
        if (node == null || !node.isObject() || !node.path("name").isTextual()) {
            return null;
        }
        String name = node.get("name").textValue();
        if (tools.stream().noneMatch(t -> t.name().equals(name))) {
            return null;
        }
        JsonNode args = node.get("arguments");
        if (args == null || args.isNull()) {
            args = node.get("parameters");
        }
        if (args != null && args.isTextual()) {
            try {
                args = ToolSpec.JSON.readTree(args.textValue());
            } catch (JsonProcessingException e) {
                return null;
            }
        }
        if (args == null || args.isNull()) {
            args = ToolSpec.JSON.createObjectNode();
        }
        if (!(args instanceof ObjectNode)) {
            return null;
        }
        return ToolCall.of(name, args.toString());
    }
}
