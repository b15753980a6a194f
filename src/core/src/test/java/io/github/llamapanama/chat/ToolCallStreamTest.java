package io.github.llamapanama.chat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hermes tool calls out of whole and streamed answers, and what is not a call. */
class ToolCallStreamTest {
    private static final List<ToolSpec> TOOLS = List.of(
            ToolSpec.of("get_weather", "", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"),
            ToolSpec.of("get_time", "", null));

    @Test
    void callsParseFromHermes() {
        ToolCallStream.Parsed p = ToolCallStream.parse("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
                + "{\"city\": \"Zürich\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n"
                + "</tool_call>", TOOLS);
        assertEquals("", p.content());
        assertEquals(2, p.toolCalls().size());
        assertEquals("get_weather", p.toolCalls().get(0).name());
        assertEquals("{\"city\":\"Zürich\"}", p.toolCalls().get(0).arguments());
        assertEquals("{}", p.toolCalls().get(1).arguments());
        assertTrue(p.toolCalls().get(0).id().matches("call_[A-Za-z0-9]{24}"));
        assertTrue(!p.toolCalls().get(0).id().equals(p.toolCalls().get(1).id()));
    }

    @Test
    void argumentsAsAStringAndTextAroundCalls() {
        ToolCallStream.Parsed p = ToolCallStream.parse("Let me check.\n<tool_call>{\"name\":\"get_time\","
                + "\"arguments\":\"{\\\"zone\\\":\\\"UTC\\\"}\"}</tool_call>\n", TOOLS);
        assertEquals("Let me check.", p.content());
        assertEquals("{\"zone\":\"UTC\"}", p.toolCalls().getFirst().arguments());
    }

    @Test
    void malformedCallsStayText() {
        for (String text : List.of(
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": }\n</tool_call>",
                "<tool_call>{\"name\": \"rm_rf\", \"arguments\": {}}</tool_call>",
                "<tool_call>[1, 2]</tool_call>",
                "<tool_call>{\"name\": \"get_time\", \"arguments\": [1]}</tool_call>",
                "before <tool_call>{\"name\": \"get_time\", \"arguments\": {}}")) {
            ToolCallStream.Parsed p = ToolCallStream.parse(text, TOOLS);
            assertEquals(List.of(), p.toolCalls(), text);
            assertEquals(text.strip(), p.content(), text);
        }
    }

    @Test
    void streamingPieceByPieceAgreesWithTheWholeAnswer() {
        String answer = "Sure <tool_ca> not a call. <tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
                + "{\"city\": \"Paris\"}}\n</tool_call>\n\n<tool_call>{\"name\": \"nope\"}</tool_call> end  ";
        ToolCallStream.Parsed whole = ToolCallStream.parse(answer, TOOLS);
        for (int size : new int[]{1, 2, 3, 7}) {
            ToolCallStream s = new ToolCallStream(TOOLS);
            List<ToolCallStream.Event> events = new ArrayList<>();
            for (int i = 0; i < answer.length(); i += size) {
                events.addAll(s.accept(answer.substring(i, Math.min(answer.length(), i + size))));
            }
            events.addAll(s.finish());
            StringBuilder text = new StringBuilder();
            List<String> calls = new ArrayList<>();
            for (ToolCallStream.Event e : events) {
                switch (e) {
                    case ToolCallStream.Text t -> text.append(t.text());
                    case ToolCallStream.Call c -> calls.add(c.call().name() + c.call().arguments());
                }
            }
            assertEquals(whole.content(), text.toString(), "piece size " + size);
            assertEquals(List.of("get_weather{\"city\":\"Paris\"}"), calls);
        }
        assertEquals("Sure <tool_ca> not a call.<tool_call>{\"name\": \"nope\"}</tool_call> end", whole.content());
    }

    @Test
    void grammarFramesEachToolsSchema() {
        String g = ToolGrammar.grammar(TOOLS, ToolChoice.function("get_weather"), false);
        assertTrue(g.startsWith("root ::= r"), g);
        assertTrue(g.contains("\"\\\"get_weather\\\"\""), g);
        assertTrue(!g.contains("get_time"), g);
        assertTrue(g.contains("ws ::= [ \\t\\n]{0,2}"), g);
        String all = ToolGrammar.grammar(TOOLS, ToolChoice.required(), true);
        assertTrue(all.contains("get_time") && all.contains("get_weather") && all.contains(")*"), all);
    }
}
