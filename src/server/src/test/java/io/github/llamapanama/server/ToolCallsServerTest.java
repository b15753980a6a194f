package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.github.llamapanama.chat.ChatMessage;
import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tool calls, n choices and log probabilities through OpenAI's Java SDK, on the random-weight
 * fixture with the real Qwen2.5 chat template: what can be checked is the protocol's shape, that
 * grammars force valid calls, that streamed deltas reassemble, and that log probabilities equal
 * log(softmax) of logits computed independently.
 */
class ToolCallsServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SLOT = 2048;
    private static final int SLOTS = 3;
    private static String qwenTemplate;
    private static LlamaServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        qwenTemplate = Files.readString(TestData.file("Qwen-Qwen2.5-7B-Instruct.jinja"));
        // No prompt cache: these tests compare repeated requests (whole vs streamed, server vs a fresh
        // context) token for token; a reused prefix gives logits that differ in the last bits.
        server = TestServers.start(b -> b.parallel(SLOTS).slotContextSize(SLOT).chatTemplate(qwenTemplate)
                .promptCache(false));
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey("none")
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static FunctionDefinition weather() {
        return FunctionDefinition.builder().name("get_weather").description("Weather in a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "city", Map.of("type", "string", "enum", List.of("Paris", "Rome")),
                                "days", Map.of("type", "integer"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city", "days")))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                        .build()).build();
    }

    private static FunctionDefinition time() {
        return FunctionDefinition.builder().name("get_time")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "utc", Map.of("type", "boolean"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("utc")))
                        .build()).build();
    }

    private static ChatCompletionCreateParams.Builder withTools() {
        return ChatCompletionCreateParams.builder().model("tiny").temperature(0.0).seed(3).maxCompletionTokens(240)
                .addUserMessage("What is the weather in Paris?").addFunctionTool(weather()).addFunctionTool(time())
                .parallelToolCalls(false);
    }

    private static ChatCompletionMessageFunctionToolCall onlyCall(ChatCompletion c) {
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertEquals("tool_calls", choice.finishReason().asString(), () -> "content: " + choice.message().content());
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertEquals(1, calls.size(), calls.toString());
        return calls.getFirst().asFunction();
    }

    private static ChatCompletion required;

    /** The tool_choice=required answer, asked once and shared by the tests that need one. */
    private static synchronized ChatCompletion required() {
        if (required == null) {
            required = client.chat().completions().create(withTools()
                    .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
        }
        return required;
    }

    @Test
    void requiredToolChoiceYieldsAValidCallOnRandomWeights() throws Exception {
        ChatCompletion c = required();
        ChatCompletionMessageFunctionToolCall call = onlyCall(c);
        assertTrue(call.id().startsWith("call_"), call.id());
        assertTrue(Set.of("get_weather", "get_time").contains(call.function().name()), call.function().name());
        JsonNode args = JSON.readTree(call.function().arguments());
        if (call.function().name().equals("get_weather")) {
            assertTrue(Set.of("Paris", "Rome").contains(args.get("city").asText()), args.toString());
            assertTrue(args.get("days").isIntegralNumber(), args.toString());
            assertEquals(2, args.size(), args.toString());
        } else {
            assertTrue(args.get("utc").isBoolean(), args.toString());
        }
        assertTrue(c.choices().getFirst().message().content().isEmpty(), "no content beside the call");
    }

    @Test
    void namedToolChoiceCallsThatFunction() throws Exception {
        ChatCompletion c = client.chat().completions().create(withTools()
                .toolChoice(ChatCompletionNamedToolChoice.builder()
                        .function(ChatCompletionNamedToolChoice.Function.builder().name("get_time").build()).build())
                .build());
        ChatCompletionMessageFunctionToolCall call = onlyCall(c);
        assertEquals("get_time", call.function().name());
        assertTrue(JSON.readTree(call.function().arguments()).get("utc").isBoolean());
    }

    @Test
    void streamedToolCallDeltasReassembleWithTheSdk() {
        ChatCompletionCreateParams params = withTools().toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build();
        ChatCompletionMessageFunctionToolCall whole = onlyCall(required());
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(acc::accumulate);
        }
        ChatCompletionMessageFunctionToolCall streamed = onlyCall(acc.chatCompletion());
        assertEquals(whole.function().name(), streamed.function().name());
        assertEquals(whole.function().arguments(), streamed.function().arguments());
        assertTrue(streamed.id().startsWith("call_"));
    }

    @Test
    void toolResultsInTheHistoryAreAccepted() {
        ChatCompletion first = required();
        ChatCompletionMessageFunctionToolCall call = onlyCall(first);
        ChatCompletion second = client.chat().completions().create(withTools()
                .addMessage(first.choices().getFirst().message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("{\"temp\": 21}").build())
                .toolChoice(ChatCompletionToolChoiceOption.Auto.NONE).maxCompletionTokens(8).build());
        ChatCompletion.Choice choice = second.choices().getFirst();
        assertTrue(choice.message().toolCalls().isEmpty() || choice.message().toolCalls().get().isEmpty());
        assertTrue(choice.message().content().isPresent());
        // The history's call and result reach the prompt as the template writes them.
        long plain = client.chat().completions().create(withTools().toolChoice(ChatCompletionToolChoiceOption.Auto.NONE)
                .maxCompletionTokens(1).build()).usage().orElseThrow().promptTokens();
        assertTrue(second.usage().orElseThrow().promptTokens() > plain + 10);
    }

    /** A grammar (llama-server's field) forces a broken call: it must come back as text, not a 500. */
    @Test
    void malformedToolCallComesBackAsContent() throws Exception {
        String broken = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": }\n</tool_call>";
        ChatCompletionCreateParams params = withTools().putAdditionalBodyProperty("grammar",
                JsonValue.from("root ::= " + JSON.writeValueAsString(broken))).build();
        ChatCompletion c = client.chat().completions().create(params);
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertEquals(broken, choice.message().content().orElseThrow());
        assertTrue(choice.message().toolCalls().isEmpty() || choice.message().toolCalls().get().isEmpty());
        assertEquals("stop", choice.finishReason().asString());
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(acc::accumulate);
        }
        assertEquals(broken, acc.chatCompletion().choices().getFirst().message().content().orElseThrow());
    }

    @Test
    void threeChoices() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("tiny")
                .temperature(1.0).seed(11).maxCompletionTokens(16).n(3).addUserMessage("Tell me a story").build());
        assertEquals(List.of(0L, 1L, 2L), c.choices().stream().map(ChatCompletion.Choice::index).toList());
        Set<String> texts = new HashSet<>();
        c.choices().forEach(ch -> texts.add(ch.message().content().orElseThrow()));
        assertTrue(texts.size() > 1, "choices sample with different seeds: " + texts);
        long completion = c.usage().orElseThrow().completionTokens();
        assertTrue(completion >= 3 && completion <= 48, "completion tokens of all choices: " + completion);

        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("tiny").temperature(1.0).seed(11).maxCompletionTokens(16).n(3)
                        .addUserMessage("Tell me a story").build())) {
            stream.stream().forEach(acc::accumulate);
        }
        ChatCompletion streamed = acc.chatCompletion();
        assertEquals(3, streamed.choices().size());
        // Each streamed choice reassembles under its own index. Its text is not compared with the
        // whole answer's: the two requests' choices share steps in other batch shapes, and at
        // temperature 1 a last-bit difference in the logits can change a sampled token.
        for (int i = 0; i < 3; i++) {
            assertEquals(i, streamed.choices().get(i).index());
            assertTrue(streamed.choices().get(i).message().content().filter(t -> !t.isEmpty()).isPresent(), "choice " + i);
        }
    }

    /** Log probabilities against log(softmax) of llama_get_logits_ith on our own context, token by token. */
    @Test
    void logprobsEqualLogSoftmaxOfTheLogits() throws Exception {
        int top = 3;
        int max = 6;
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model("tiny").temperature(0.0)
                .maxCompletionTokens(max).logprobs(true).topLogprobs(top).addUserMessage("Hello");
        ChatCompletion c = client.chat().completions().create(params.build());
        var reported = c.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
        assertFalse(reported.isEmpty());
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params.build())) {
            stream.stream().forEach(acc::accumulate);
        }
        var streamed = acc.chatCompletion().choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
        assertEquals(reported.size(), streamed.size());
        for (int i = 0; i < reported.size(); i++) {
            assertEquals(reported.get(i).token(), streamed.get(i).token());
            assertEquals(reported.get(i).logprob(), streamed.get(i).logprob(), 1e-6);
        }

        String prompt = new ChatTemplate(qwenTemplate).render(List.of(ChatMessage.user("Hello")), true);
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Context ctx = model.newContext(ContextParams.builder().contextSize(SLOTS * SLOT).maxSequences(SLOTS)
                     .threads(2).build());
             Batch batch = Batch.ofTokens(ctx.batchSize(), 1)) {
            int[] tokens = model.vocab().tokenize(prompt, true, true);
            for (int i = 0; i < tokens.length; i++) {
                batch.add(tokens[i], i, 0, i == tokens.length - 1);
            }
            ctx.decode(batch);
            int position = tokens.length;
            for (int k = 0; k < reported.size(); k++) {
                double[] lp = logSoftmax(ctx.logits(-1));
                Integer[] order = IntStream.range(0, lp.length).boxed().toArray(Integer[]::new);
                Arrays.sort(order, Comparator.comparingDouble(i -> -lp[i]));
                int greedy = order[0];
                var entry = reported.get(k);
                assertEquals(bytes(model.vocab().tokenBytes(greedy, true)), entry.bytes().orElseThrow(), "token " + k);
                assertEquals(lp[greedy], entry.logprob(), 1e-3, "token " + k);
                assertEquals(top, entry.topLogprobs().size());
                for (int j = 0; j < top; j++) {
                    var alt = entry.topLogprobs().get(j);
                    assertEquals(bytes(model.vocab().tokenBytes(order[j], true)), alt.bytes().orElseThrow(), "top " + j);
                    assertEquals(lp[order[j]], alt.logprob(), 1e-3, "top " + j);
                }
                batch.clear();
                batch.add(greedy, position++, 0, true);
                ctx.decode(batch);
            }
        }
    }

    @Test
    void textCompletionLogprobsAndChoices() throws Exception {
        HttpResponse<String> r = TestServers.post(server, "/v1/completions", "{\"prompt\": \"Once upon\", "
                + "\"max_tokens\": 5, \"ignore_eos\": true, \"logprobs\": 2, \"n\": 2, \"temperature\": 0}", null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(2, body.get("choices").size());
        for (JsonNode choice : body.get("choices")) {
            JsonNode lp = choice.get("logprobs");
            assertEquals(5, lp.get("tokens").size(), lp.toString());
            assertEquals(5, lp.get("token_logprobs").size());
            assertEquals(2, lp.get("top_logprobs").get(0).size());
            assertEquals(String.join("", toList(lp.get("tokens"))), choice.get("text").asText());
            assertEquals(0, lp.get("text_offset").get(0).asInt());
        }
        assertEquals(body.get("choices").get(0).get("text"), body.get("choices").get(1).get("text"), "greedy choices agree");
        assertEquals(10, body.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void badToolRequestsAre400() throws Exception {
        for (String bad : List.of(
                "\"tool_choice\": \"required\"",
                "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"a b\"}}]",
                "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}], \"tool_choice\": "
                        + "{\"type\": \"function\", \"function\": {\"name\": \"g\"}}",
                "\"messages\": [{\"role\": \"tool\", \"content\": \"x\"}]",
                "\"n\": 17",
                "\"top_logprobs\": 3")) {
            String body = bad.startsWith("\"messages\"") ? "{" + bad + "}"
                    : "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], " + bad + "}";
            HttpResponse<String> r = TestServers.post(server, "/v1/chat/completions", body, null);
            assertEquals(400, r.statusCode(), bad + " -> " + r.body());
        }
    }

    private static List<String> toList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<Long> bytes(byte[] b) {
        List<Long> out = new ArrayList<>();
        for (byte x : b) {
            out.add((long) (x & 0xFF));
        }
        return out;
    }

    private static double[] logSoftmax(MemorySegment logits) {
        int n = (int) (logits.byteSize() / Float.BYTES);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits.getAtIndex(ValueLayout.JAVA_FLOAT, i) - max);
        }
        double logZ = max + Math.log(sum);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = logits.getAtIndex(ValueLayout.JAVA_FLOAT, i) - logZ;
        }
        return out;
    }
}
