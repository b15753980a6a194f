package io.github.llamapanama.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library's conversation with tools, on the random-weight fixture and the real Qwen2.5 template. */
class ToolChatSessionTest {
    private static final ToolSpec WEATHER = ToolSpec.builder("get_weather").description("Weather in a city")
            .parameters("{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"enum\": [\"Paris\", \"Rome\"]}},"
                    + " \"required\": [\"city\"], \"additionalProperties\": false}")
            .build();

    @Test
    void requiredCallThenToolResultThenTextAnswer() throws Exception {
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Context context = model.newContext(ContextParams.builder().contextSize(4096).threads(2).build())) {
            ChatTemplate template = ChatTemplate.of(JinjaTemplateTest.qwenTemplate(), model);
            ToolChatSession chat = ToolChatSession.builder(context, template)
                    .sampling(SamplingParams.builder().temperature(0).build())
                    .tools(List.of(WEATHER)).toolChoice(ToolChoice.required()).parallelToolCalls(false).build();

            ChatReply reply = chat.send("Weather in Paris?", GenerationParams.maxTokens(200));
            assertEquals(1, reply.toolCalls().size(), reply.generation().text());
            ToolCall call = reply.toolCalls().getFirst();
            assertEquals("get_weather", call.name());
            String city = new ObjectMapper().readTree(call.arguments()).get("city").asText();
            assertTrue(List.of("Paris", "Rome").contains(city), call.arguments());
            int firstPrompt = chat.lastPromptTokens();

            chat.addToolResult(call.id(), "{\"temp\": 21}").toolChoice(ToolChoice.none());
            ChatReply answer = chat.generate(GenerationParams.maxTokens(6));
            assertFalse(answer.hasToolCalls());
            assertEquals(answer.generation().text(), answer.content());
            assertTrue(chat.lastPromptTokens() < firstPrompt,
                    "the second turn reuses the KV cache: " + chat.lastPromptTokens() + " of " + firstPrompt);

            List<ChatMessage> history = chat.messages();
            assertEquals(List.of(ChatMessage.Role.USER, ChatMessage.Role.ASSISTANT, ChatMessage.Role.TOOL,
                    ChatMessage.Role.ASSISTANT), history.stream().map(ChatMessage::role).toList());
            assertEquals(List.of(call), history.get(1).toolCalls());
            assertEquals(call.id(), history.get(2).toolCallId());
        }
    }
}
