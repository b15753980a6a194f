package io.github.llamapanama.langchain4j;

import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.llamapanama.provider.Answer;
import io.github.llamapanama.provider.LocalModel;

import java.util.List;
import java.util.Set;

/**
 * A LangChain4j {@link ChatModel} running llama.cpp in this JVM: text, images and audio
 * ({@code ImageContent}, {@code AudioContent}, base64 or URL), system messages, and JSON or
 * JSON-schema response formats enforced by a grammar, so structured output always parses, and
 * tools ({@code ToolSpecification}s in, {@code ToolExecutionRequest}s out, REQUIRED choices
 * enforced by a grammar; see {@link Tools}).
 * Calls from several threads are safe: see {@link LocalModel} for the pool of contexts, and for
 * how a conversation that grows turn by turn reuses its KV cache.
 *
 * {@snippet :
 * try (LlamaChatModel model = LlamaChatModel.builder()
 *         .modelPath(Path.of("model.gguf")).mmprojPath(Path.of("mmproj.gguf")).build()) {
 *     ChatResponse r = model.chat(UserMessage.from(ImageContent.from(base64, "image/png"),
 *             TextContent.from("What is in the picture?")));
 * }
 * }
 */
public final class LlamaChatModel implements ChatModel, AutoCloseable {
    private final LocalModel model;
    private final boolean owned;
    private final ChatRequestParameters defaults;
    private final List<ChatModelListener> listeners;

    private LlamaChatModel(Builder b) {
        ModelBuilder.Resolved r = b.resolve();
        this.model = r.model();
        this.owned = r.owned();
        this.defaults = LlamaChatRequestParameters.builder().modelName(model.name()).build().overrideWith(b.defaults);
        this.listeners = List.copyOf(b.listeners);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        Requests.Plan plan = Requests.plan(request.parameters());
        Answer a = model.chat(Messages.turns(request.messages(), model.mediaFetcher()), plan.tools(), plan.sampling(),
                plan.generation(), piece -> { }, () -> false);
        return Responses.response(a, model.name());
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return defaults;
    }

    @Override
    public List<ChatModelListener> listeners() {
        return listeners;
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    /** The model this adapter runs on. */
    public LocalModel localModel() {
        return model;
    }

    /** Frees the model if this adapter loaded it; a shared {@link LocalModel} stays open. */
    @Override
    public void close() {
        if (owned) {
            model.close();
        }
    }

    public static final class Builder extends ModelBuilder<Builder> {
        private ChatRequestParameters defaults = LlamaChatRequestParameters.builder().build();
        private List<ChatModelListener> listeners = List.of();

        private Builder() {}

        /** Parameters every request starts from (a request's own ones win). */
        public Builder defaultRequestParameters(ChatRequestParameters parameters) {
            this.defaults = parameters;
            return this;
        }

        public Builder listeners(List<ChatModelListener> listeners) {
            this.listeners = listeners;
            return this;
        }

        public LlamaChatModel build() {
            return new LlamaChatModel(this);
        }
    }
}
