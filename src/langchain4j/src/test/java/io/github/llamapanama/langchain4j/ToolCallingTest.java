package io.github.llamapanama.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.provider.LocalModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tool calling through LangChain4j on the fixture model. With random weights only the
 * grammar-constrained path can be relied on: a REQUIRED tool choice makes every answer one
 * well-formed call of a declared tool, whose arguments (an enum here) follow its schema.
 */
class ToolCallingTest {
    enum City { PARIS, TOKYO, LIMA }

    static final class Weather {
        final List<City> asked = new CopyOnWriteArrayList<>();

        @Tool(value = "The current weather in a city", returnBehavior = ReturnBehavior.IMMEDIATE)
        String weather(@P("the city") City city) {
            asked.add(city);
            return "sunny in " + city;
        }
    }

    static final class Forecast {
        final List<City> asked = new CopyOnWriteArrayList<>();

        @Tool("The forecast for a city")
        String forecast(@P("the city") City city) {
            asked.add(city);
            return "rain tomorrow in " + city;
        }
    }

    interface Assistant {
        Result<String> chat(String message);
    }

    private static LocalModel local;

    @BeforeAll
    static void load() {
        local = LocalModel.builder().modelPath(Fixtures.tinyQwen2()).build();
    }

    @AfterAll
    static void close() {
        local.close();
    }

    static ChatRequestParameters required() {
        return LlamaChatRequestParameters.builder().temperature(0.0).maxOutputTokens(200)
                .toolChoice(ToolChoice.REQUIRED).build();
    }

    @Test
    void aRequiredToolChoiceMakesTheAssistantCallItsTool() {
        Weather weather = new Weather();
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(LlamaChatModel.builder().model(local).defaultRequestParameters(required()).build())
                .tools(weather).build();
        Result<String> r = assistant.chat("What is the weather like?");
        assertEquals(1, weather.asked.size(), r.toString());
        assertEquals(1, r.toolExecutions().size());
        assertEquals("sunny in " + weather.asked.getFirst(), r.toolExecutions().getFirst().result());
    }

    @Test
    void theToolsResultIsFedBackAndAnswered() {
        Forecast forecast = new Forecast();
        List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        LlamaChatModel model = LlamaChatModel.builder().model(local).build();
        // REQUIRED until a tool has answered, then NONE: the call, then an answer that reads its result.
        ChatModel firstCallRequired = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                requests.add(request);
                boolean answered = request.messages().stream().anyMatch(ToolExecutionResultMessage.class::isInstance);
                ChatRequestParameters p = LlamaChatRequestParameters.builder().overrideWith(request.parameters())
                        .temperature(0.0).maxOutputTokens(200).toolChoice(answered ? ToolChoice.NONE : ToolChoice.REQUIRED)
                        .build();
                return model.doChat(ChatRequest.builder().messages(request.messages()).parameters(p).build());
            }
        };
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(firstCallRequired).tools(forecast).build();
        Result<String> r = assistant.chat("Will it rain?");
        assertEquals(1, forecast.asked.size());
        assertEquals(2, requests.size());
        List<ChatMessage> second = requests.get(1).messages();
        assertTrue(second.getLast() instanceof ToolExecutionResultMessage t && t.text().startsWith("rain tomorrow"), second.toString());
        assertNotNull(r.content());
        assertTrue(r.finishReason() == FinishReason.LENGTH || r.finishReason() == FinishReason.STOP, String.valueOf(r.finishReason()));
    }

    @Test
    void streamingDeliversTheCallAsACompleteToolCall() throws Exception {
        ToolSpecification spec = ToolSpecifications.toolSpecificationsFrom(Forecast.class).getFirst();
        LlamaStreamingChatModel streaming = LlamaStreamingChatModel.builder().model(local).build();
        List<CompleteToolCall> calls = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(ChatRequest.builder().messages(UserMessage.from("Forecast?"))
                .parameters(LlamaChatRequestParameters.builder().temperature(0.0).maxOutputTokens(200)
                        .toolSpecifications(spec).toolChoice(ToolChoice.REQUIRED).build()).build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onCompleteToolCall(CompleteToolCall call) {
                        calls.add(call);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
        ChatResponse r = done.get(120, TimeUnit.SECONDS);
        assertEquals(1, calls.size());
        assertEquals(FinishReason.TOOL_EXECUTION, r.finishReason());
        assertEquals(calls.getFirst().toolExecutionRequest(), r.aiMessage().toolExecutionRequests().getFirst());
        assertEquals("forecast", r.aiMessage().toolExecutionRequests().getFirst().name());
        // the arguments follow the schema: one property (named arg0 unless compiled with -parameters), an enum value
        com.fasterxml.jackson.databind.JsonNode args = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(r.aiMessage().toolExecutionRequests().getFirst().arguments());
        assertEquals(1, args.size(), args.toString());
        assertTrue(List.of("PARIS", "TOKYO", "LIMA").contains(args.elements().next().asText()), args.toString());
    }
}
