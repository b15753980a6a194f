package io.github.llamapanama.chat;

import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.Generator;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.sampling.SamplingParams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A multi-turn conversation whose model may call tools, on one sequence of a context. Each turn
 * renders the whole conversation with the model's own Jinja template ({@link ChatTemplate#render}:
 * tools, earlier calls and their results as the model was trained to read them), evaluates only
 * what the KV cache does not hold yet, and parses the answer into text and {@link ToolCall}s.
 * {@link ToolChoice#required()} and {@link ToolChoice#function(String)} are enforced by a
 * grammar; {@link ToolChoice#auto()} constrains a call only once the model begins one.
 *
 * {@snippet :
 * ToolSpec weather = ToolSpec.builder("get_weather").description("Current weather")
 *         .parameters("{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}")
 *         .build();
 * ToolChatSession chat = ToolChatSession.builder(context, ChatTemplate.of(model)).tools(List.of(weather)).build();
 * ChatReply reply = chat.send("Weather in Paris?", GenerationParams.maxTokens(256));
 * while (reply.hasToolCalls()) {
 *     for (ToolCall call : reply.toolCalls()) {
 *         chat.addToolResult(call.id(), runTool(call.name(), call.arguments()));
 *     }
 *     reply = chat.generate(GenerationParams.maxTokens(256));
 * }
 * System.out.println(reply.content());
 * }
 *
 * <p>Not thread-safe: one conversation, one thread at a time.
 */
public final class ToolChatSession {
    private final Context context;
    private final ChatTemplate template;
    private final SamplingParams sampling;
    private final int sequence;
    private List<ToolSpec> tools;
    private ToolChoice toolChoice;
    private boolean parallelToolCalls;
    private final List<ChatMessage> messages = new ArrayList<>();
    private int[] cached = new int[0]; // tokens in the KV cache for this sequence
    private int lastPromptTokens;

    private ToolChatSession(Builder b) {
        this.context = b.context;
        this.template = b.template;
        this.sampling = b.sampling;
        this.sequence = b.sequence;
        this.tools = List.copyOf(b.tools);
        this.toolChoice = b.toolChoice;
        this.parallelToolCalls = b.parallelToolCalls;
        if (b.system != null) {
            messages.add(ChatMessage.system(b.system));
        }
        if (sequence < 0 || sequence >= context.maxSequences()) {
            throw new IllegalArgumentException("sequence " + sequence + " is outside [0, " + context.maxSequences() + ")");
        }
    }

    public static Builder builder(Context context, ChatTemplate template) {
        return new Builder(context, template);
    }

    /** The conversation so far: user and assistant messages, tool calls and tool results. */
    public List<ChatMessage> messages() {
        return List.copyOf(messages);
    }

    public List<ToolSpec> tools() {
        return tools;
    }

    /** Replaces the tools for the following turns. */
    public ToolChatSession tools(List<ToolSpec> tools) {
        this.tools = List.copyOf(tools);
        return this;
    }

    /** Sets the tool choice for the following turns. */
    public ToolChatSession toolChoice(ToolChoice choice) {
        this.toolChoice = Objects.requireNonNull(choice, "choice");
        return this;
    }

    /** Adds a user message and answers it. */
    public ChatReply send(String userMessage, GenerationParams params) {
        messages.add(ChatMessage.user(userMessage));
        return generate(params);
    }

    /** Records a tool's result for the call {@code toolCallId}; {@link #generate} then answers. */
    public ToolChatSession addToolResult(String toolCallId, String content) {
        messages.add(ChatMessage.tool(toolCallId, content));
        return this;
    }

    /** Adds any message (e.g. a history from elsewhere). */
    public ToolChatSession add(ChatMessage message) {
        messages.add(Objects.requireNonNull(message, "message"));
        return this;
    }

    /**
     * The assistant's next answer to the conversation as it stands (after a user message or
     * tool results); it joins the conversation.
     */
    public ChatReply generate(GenerationParams params) {
        boolean withTools = !tools.isEmpty() && !(toolChoice instanceof ToolChoice.None);
        List<ToolSpec> shown = withTools ? tools : List.of();
        int[] prompt = context.model().vocab().tokenize(template.render(messages, shown, true), true, true);
        int common = PromptPrefix.resumeAt(cached, prompt);
        SamplingParams p = withTools
                ? ToolGrammar.constrain(sampling.toBuilder(), tools, toolChoice, parallelToolCalls).build()
                : sampling;
        GenerationResult result;
        try (Sampler sampler = Sampler.of(p, context.model().vocab(), context.contextSize());
             Generator generator = new Generator(context, sampler, sequence, cached.length)) {
            generator.rewind(common);
            cached = Arrays.copyOf(cached, common);
            int[] fresh = Arrays.copyOfRange(prompt, common, prompt.length);
            lastPromptTokens = fresh.length;
            result = generator.generate(fresh, params).finish();
        }
        // The KV cache now holds the prompt and every sampled token but the last.
        int[] gen = result.tokens();
        int decoded = Math.max(0, gen.length - 1);
        cached = Arrays.copyOf(prompt, prompt.length + decoded);
        System.arraycopy(gen, 0, cached, prompt.length, decoded);
        ChatReply reply;
        if (withTools) {
            ToolCallStream.Parsed parsed = ToolCallStream.parse(result.text(), tools);
            reply = new ChatReply(parsed.content(), parsed.toolCalls(), result);
        } else {
            reply = new ChatReply(result.text(), List.of(), result);
        }
        messages.add(reply.toMessage());
        return reply;
    }

    /** Prompt tokens the last turn had to evaluate (the part not already cached). */
    public int lastPromptTokens() {
        return lastPromptTokens;
    }

    /** Forgets the conversation (but keeps a system message) and its KV cache cells. */
    public void reset() {
        messages.removeIf(m -> m.role() != ChatMessage.Role.SYSTEM);
        context.kvCache().remove(sequence, -1, -1);
        cached = new int[0];
    }

    /** Settings of a {@link ToolChatSession}; tools, choice {@code auto}, parallel calls allowed by default. */
    public static final class Builder {
        private final Context context;
        private final ChatTemplate template;
        private SamplingParams sampling = SamplingParams.defaults();
        private int sequence;
        private List<ToolSpec> tools = List.of();
        private ToolChoice toolChoice = ToolChoice.auto();
        private boolean parallelToolCalls = true;
        private String system;

        private Builder(Context context, ChatTemplate template) {
            this.context = Objects.requireNonNull(context, "context");
            this.template = Objects.requireNonNull(template, "template");
        }

        /** Sampling for every turn (a tool grammar is added per turn as the choice needs). */
        public Builder sampling(SamplingParams p) { sampling = Objects.requireNonNull(p); return this; }
        public Builder sequence(int s) { sequence = s; return this; }
        public Builder tools(List<ToolSpec> t) { tools = List.copyOf(t); return this; }
        public Builder toolChoice(ToolChoice c) { toolChoice = Objects.requireNonNull(c); return this; }
        /** Whether one answer may hold several calls (default true). */
        public Builder parallelToolCalls(boolean on) { parallelToolCalls = on; return this; }
        public Builder system(String s) { system = s; return this; }

        public ToolChatSession build() {
            return new ToolChatSession(this);
        }
    }
}
