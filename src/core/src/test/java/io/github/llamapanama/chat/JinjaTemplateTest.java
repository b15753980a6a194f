package io.github.llamapanama.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llamapanama.chat.jinja.JinjaTemplate;
import io.github.llamapanama.chat.jinja.PythonJson;
import io.github.llamapanama.chat.jinja.TemplateException;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Qwen2.5 template rendered by Jinjava against the text Python's jinja2 renders from it
 * (src/test/resources/chat/render_expected.py, set up as transformers' apply_chat_template).
 */
class JinjaTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static String qwenTemplate() throws IOException {
        return Files.readString(TestData.file("Qwen-Qwen2.5-7B-Instruct.jinja"));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = JinjaTemplateTest.class.getResourceAsStream("/chat/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** An OpenAI-shaped conversation file as library messages and tools. */
    static List<ChatMessage> messages(JsonNode conversation) {
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : conversation.get("messages")) {
            String role = m.get("role").asText();
            String content = m.path("content").isNull() ? "" : m.path("content").asText();
            switch (role) {
                case "system" -> out.add(ChatMessage.system(content));
                case "user" -> out.add(ChatMessage.user(content));
                case "tool" -> out.add(ChatMessage.tool(m.get("tool_call_id").asText(), content));
                default -> {
                    List<ToolCall> calls = new ArrayList<>();
                    for (JsonNode c : m.path("tool_calls")) {
                        JsonNode args = c.get("function").get("arguments");
                        calls.add(new ToolCall(c.get("id").asText(), c.get("function").get("name").asText(),
                                args.isTextual() ? args.asText() : args.toString()));
                    }
                    out.add(ChatMessage.assistant(content, calls));
                }
            }
        }
        return out;
    }

    static List<ToolSpec> tools(JsonNode conversation) {
        List<ToolSpec> out = new ArrayList<>();
        for (JsonNode t : conversation.path("tools")) {
            JsonNode f = t.get("function");
            out.add(ToolSpec.of(f.get("name").asText(), f.path("description").asText(""), f.get("parameters").toString()));
        }
        return out;
    }

    @Test
    void qwenWithToolsCallsAndResultsMatchesJinja2() throws IOException {
        JsonNode conversation = JSON.readTree(resource("qwen-tools-conversation.json"));
        String rendered = new ChatTemplate(qwenTemplate(), "", "<|im_end|>")
                .render(messages(conversation), tools(conversation), true);
        assertEquals(resource("qwen-tools-expected.txt"), rendered);
    }

    @Test
    void qwenWithoutToolsUsesItsDefaultSystemPrompt() throws IOException {
        String rendered = new ChatTemplate(qwenTemplate()).render(List.of(ChatMessage.user("Hi")), true);
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", rendered);
    }

    @Test
    void templateWithoutToolsGetsTheHermesPolyfill() {
        String chatml = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']"
                + " + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
        ToolSpec tool = ToolSpec.of("ping", "", "{\"type\":\"object\",\"properties\":{}}");
        String rendered = new ChatTemplate(chatml).render(List.of(ChatMessage.user("go"),
                ChatMessage.assistant("", List.of(new ToolCall("c1", "ping", "{}"))),
                ChatMessage.tool("c1", "pong")), List.of(tool), true);
        assertTrue(rendered.startsWith("<|im_start|>system\n# Tools\n"), rendered);
        assertTrue(rendered.contains("\n{\"type\": \"function\", \"function\": {\"name\": \"ping\", \"parameters\": "
                + "{\"type\": \"object\", \"properties\": {}}}}\n</tools>"), rendered);
        assertTrue(rendered.contains("<|im_start|>assistant\n<tool_call>\n{\"name\": \"ping\", \"arguments\": {}}\n"
                + "</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\npong\n</tool_response><|im_end|>\n"), rendered);
        assertTrue(rendered.endsWith("<|im_start|>assistant\n"), rendered);
    }

    @Test
    void pythonishFeaturesTemplatesUse() {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("messages", List.of(Map.of("role", "user", "content", "  Hi there  ")));
        String out = JinjaTemplate.of("{%- set ns = namespace(n=0) %}{%- for m in messages %}{%- set ns.n = ns.n + 1 %}"
                + "{{ m.content.strip() }}|{{ m.content.lstrip() }}|{{ m['role'].upper() }}|"
                + "{{ m.content.strip().startswith('Hi') }}{{ m.content.endswith('x') }}{% endfor %}|{{ ns.n }}"
                + "|{{ {'b': [1, 'é'], 'a': none} | tojson }}").render(vars);
        assertEquals("Hi there|Hi there  |USER|truefalse|1|{\"b\": [1, \"é\"], \"a\": null}", out);
    }

    @Test
    void raiseExceptionIsTheTemplatesRefusal() {
        TemplateException e = assertThrows(TemplateException.class,
                () -> JinjaTemplate.of("{{ raise_exception('roles must alternate') }}").render(Map.of()));
        assertTrue(e.raisedByTemplate());
        assertEquals("roles must alternate", e.getMessage());
        TemplateException broken = assertThrows(TemplateException.class,
                () -> JinjaTemplate.of("{% generation %}x{% endgeneration %}").render(Map.of()));
        assertTrue(!broken.raisedByTemplate(), broken.getMessage());
    }

    @Test
    void messageTextIsNeverEvaluated() {
        String out = JinjaTemplate.of("{{ messages[0].content }}")
                .render(Map.of("messages", List.of(Map.of("content", "{{ 7 * 6 }} {% if true %}x{% endif %}"))));
        assertEquals("{{ 7 * 6 }} {% if true %}x{% endif %}", out);
    }

    @Test
    void pythonJsonMatchesJsonDumps() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n\u0001ü");
        m.put("n", List.of(1, 2.5, 3.0, true));
        m.put("e", Map.of());
        assertEquals("{\"s\": \"a\\\"b\\\\c\\n\\u0001ü\", \"n\": [1, 2.5, 3.0, true], \"e\": {}}", PythonJson.dumps(m));
        assertEquals("{\n  \"a\": [\n    1\n  ]\n}", PythonJson.dumps(Map.of("a", List.of(1)), 2));
    }
}
