package io.github.llamapanama.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.llamapanama.chat.jinja.JsonArguments;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a chat template receives: OpenAI-shaped messages and tools as maps and lists, as Hugging
 * Face's apply_chat_template and llama.cpp's minja pass them. For a template that cannot show
 * tools, tool calls or tool results (it never mentions them), the conversation is rewritten in
 * the Hermes format first, as minja's polyfills do: tools into the system message, calls into
 * the assistant's text, results into user turns.
 */
final class TemplateInput {
    private TemplateInput() {
    }

    /** What the template's text shows it can print. */
    record Capabilities(boolean tools, boolean toolCalls, boolean toolRole) {
        static Capabilities of(String source) {
            return new Capabilities(source.contains("tools"), source.contains("tool_calls"),
                    source.contains("'tool'") || source.contains("\"tool\""));
        }

        static final Capabilities NONE = new Capabilities(false, false, false);
    }

    static Map<String, Object> variables(List<ChatMessage> messages, List<ToolSpec> tools, boolean addAssistant,
                                         Capabilities caps, String bos, String eos) {
        List<ChatMessage> adapted = adapt(messages, tools, caps);
        List<Map<String, Object>> list = new ArrayList<>(adapted.size());
        for (ChatMessage m : adapted) {
            list.add(message(m));
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("messages", list);
        if (!tools.isEmpty() && caps.tools()) {
            vars.put("tools", tools.stream().map(HermesFormat::toolMap).toList());
        }
        vars.put("add_generation_prompt", addAssistant);
        vars.put("bos_token", bos);
        vars.put("eos_token", eos);
        return vars;
    }

    /** Rewrites what the template cannot print into the Hermes format (roles system, user, assistant). */
    static List<ChatMessage> adapt(List<ChatMessage> messages, List<ToolSpec> tools, Capabilities caps) {
        List<ChatMessage> out = new ArrayList<>(messages.size() + 1);
        if (!tools.isEmpty() && !caps.tools()) {
            String prompt = HermesFormat.systemPrompt(tools);
            if (!messages.isEmpty() && messages.getFirst().role() == ChatMessage.Role.SYSTEM) {
                out.add(ChatMessage.system(messages.getFirst().content() + "\n\n" + prompt));
                messages = messages.subList(1, messages.size());
            } else {
                out.add(ChatMessage.system(prompt));
            }
        }
        for (ChatMessage m : messages) {
            if (!m.toolCalls().isEmpty() && !caps.toolCalls()) {
                StringBuilder text = new StringBuilder(m.content());
                for (ToolCall c : m.toolCalls()) {
                    text.append(text.isEmpty() ? "" : "\n").append(HermesFormat.callText(c));
                }
                out.add(ChatMessage.assistant(text.toString()));
            } else if (m.role() == ChatMessage.Role.TOOL && !caps.toolRole()) {
                String response = HermesFormat.responseText(m.content());
                ChatMessage last = out.isEmpty() ? null : out.getLast();
                if (last != null && last.role() == ChatMessage.Role.USER && last.content().endsWith("</tool_response>")) {
                    out.set(out.size() - 1, ChatMessage.user(last.content() + "\n" + response));
                } else {
                    out.add(ChatMessage.user(response));
                }
            } else {
                out.add(m);
            }
        }
        return out;
    }

    private static Map<String, Object> message(ChatMessage m) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", m.role().templateName());
        map.put("content", m.content());
        if (!m.toolCalls().isEmpty()) {
            List<Map<String, Object>> calls = new ArrayList<>();
            for (ToolCall c : m.toolCalls()) {
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", c.name());
                function.put("arguments", arguments(c.arguments()));
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("id", c.id());
                call.put("type", "function");
                call.put("function", function);
                calls.add(call);
            }
            map.put("tool_calls", calls);
        }
        if (m.toolCallId() != null) {
            map.put("tool_call_id", m.toolCallId());
        }
        return map;
    }

    /** Arguments as a mapping that prints as its JSON text; a string when it is not a JSON object. */
    @SuppressWarnings("unchecked")
    private static Object arguments(String text) {
        try {
            JsonNode node = ToolSpec.JSON.readTree(text);
            if (node != null && node.isObject()) {
                return new JsonArguments(ToolSpec.JSON.convertValue(node, Map.class), text);
            }
        } catch (JsonProcessingException e) {
            // not JSON: the template gets the text
        }
        return text;
    }
}
