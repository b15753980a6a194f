package io.github.llamapanama.langchain4j;

import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.github.llamapanama.chat.ToolCall;
import io.github.llamapanama.chat.ToolCallStream;
import io.github.llamapanama.provider.Answer;
import io.github.llamapanama.provider.LocalModel;
import io.github.llamapanama.provider.Turn;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A LangChain4j {@link StreamingChatModel}: the same model as {@link LlamaChatModel}, answering
 * piece by piece. {@code chat} returns at once; the answer is generated on a thread of the
 * builder's {@link Builder#executor executor} (by default a new platform thread per answer, so
 * that no long-lived thread keeps compute threads), which calls
 * {@code onPartialResponse} for each piece of text in order, then {@code onCompleteResponse}
 * with the whole answer, token usage and finish reason, or {@code onError}. Cancelling through
 * the {@link StreamingHandle} of a partial response stops generation at the next token; no
 * further callbacks follow.
 */
public final class LlamaStreamingChatModel implements StreamingChatModel, AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final LocalModel model;
    private final boolean owned;
    private final ChatRequestParameters defaults;
    private final List<ChatModelListener> listeners;
    private final Executor executor;

    private LlamaStreamingChatModel(Builder b) {
        ModelBuilder.Resolved r = b.resolve();
        this.model = r.model();
        this.owned = r.owned();
        this.defaults = LlamaChatRequestParameters.builder().modelName(model.name()).build().overrideWith(b.defaults);
        this.listeners = List.copyOf(b.listeners);
        this.executor = b.executor != null ? b.executor
                : task -> Thread.ofPlatform().daemon().name("llama-panama-stream-" + THREADS.incrementAndGet()).start(task);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Requests.Plan plan;
        List<Turn> turns;
        try {
            plan = Requests.plan(request.parameters());
            turns = Messages.turns(request.messages(), model.mediaFetcher());
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        executor.execute(() -> run(turns, plan, handler));
    }

    private void run(List<Turn> turns, Requests.Plan plan, StreamingChatResponseHandler handler) {
        Handle handle = new Handle();
        PartialResponseContext context = new PartialResponseContext(handle);
        // With tools, text is passed on as soon as it cannot begin a call, and each call once whole.
        ToolCallStream calls = plan.tools().isEmpty() ? null : new ToolCallStream(plan.tools());
        List<ToolCall> streamed = new java.util.ArrayList<>();
        Answer a;
        try {
            a = model.chat(turns, plan.tools(), plan.sampling(), plan.generation(), piece -> {
                if (calls == null) {
                    handler.onPartialResponse(new PartialResponse(piece.toString()), context);
                } else {
                    emit(calls.accept(piece.toString()), handler, context, streamed);
                }
            }, handle::isCancelled);
            if (calls != null && !handle.isCancelled()) {
                emit(calls.finish(), handler, context, streamed);
            }
        } catch (RuntimeException | Error e) {
            if (!handle.isCancelled()) {
                handler.onError(e);
            }
            return;
        }
        if (!handle.isCancelled()) {
            if (calls != null) { // the calls as streamed, with the ids the handler saw
                a = new Answer(a.text(), streamed, a.tokens(), a.finishReason(), a.promptTokens(), a.cachedTokens(),
                        a.completionTokens());
            }
            handler.onCompleteResponse(Responses.response(a, model.name()));
        }
    }

    private static void emit(List<ToolCallStream.Event> events, StreamingChatResponseHandler handler,
                             PartialResponseContext context, List<ToolCall> streamed) {
        for (ToolCallStream.Event e : events) {
            switch (e) {
                case ToolCallStream.Text t -> {
                    if (!t.text().isEmpty()) {
                        handler.onPartialResponse(new PartialResponse(t.text()), context);
                    }
                }
                case ToolCallStream.Call c -> {
                    streamed.add(c.call());
                    handler.onCompleteToolCall(new CompleteToolCall(streamed.size() - 1, Tools.request(c.call())));
                }
            }
        }
    }

    private static final class Handle implements StreamingHandle {
        private volatile boolean cancelled;

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
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

    public LocalModel localModel() {
        return model;
    }

    /** Frees the model if this adapter loaded it; answers still running must have finished. */
    @Override
    public void close() {
        if (owned) {
            model.close();
        }
    }

    public static final class Builder extends ModelBuilder<Builder> {
        private ChatRequestParameters defaults = LlamaChatRequestParameters.builder().build();
        private List<ChatModelListener> listeners = List.of();
        private Executor executor;

        private Builder() {}

        public Builder defaultRequestParameters(ChatRequestParameters parameters) {
            this.defaults = parameters;
            return this;
        }

        public Builder listeners(List<ChatModelListener> listeners) {
            this.listeners = listeners;
            return this;
        }

        /** Where answers are generated; by default a new platform thread for each. */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        public LlamaStreamingChatModel build() {
            return new LlamaStreamingChatModel(this);
        }
    }
}
