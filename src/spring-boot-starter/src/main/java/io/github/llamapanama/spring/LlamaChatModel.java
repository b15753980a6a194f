package io.github.llamapanama.spring;

import io.github.llamapanama.generation.FinishReason;
import io.github.llamapanama.provider.Answer;
import io.github.llamapanama.provider.LocalModel;
import io.github.llamapanama.provider.Turn;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Spring AI {@link ChatModel} running llama.cpp in this JVM, with images and audio as
 * {@code Media} of a user message. {@link #call} answers on the calling thread; {@link #stream}
 * generates on a new platform thread per answer and emits one {@link ChatResponse} per piece of
 * text, then a last one with empty text carrying the finish reason and token usage; cancelling
 * the subscription stops generation at the next token. Thread-safe: see {@link LocalModel}.
 */
public final class LlamaChatModel implements ChatModel, AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final LocalModel model;
    private final boolean owned;
    private final ChatOptions defaults;

    /** A chat model on a shared {@link LocalModel}, which it leaves open. */
    public LlamaChatModel(LocalModel model, ChatOptions defaults) {
        this(model, defaults, false);
    }

    LlamaChatModel(LocalModel model, ChatOptions defaults, boolean owned) {
        this.model = model;
        this.defaults = defaults;
        this.owned = owned;
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        SpringOptions.Plan plan = SpringOptions.plan(defaults, prompt.getOptions());
        Answer a = model.chat(turns(prompt), plan.sampling(), plan.generation());
        return response(a.text(), a);
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        SpringOptions.Plan plan = SpringOptions.plan(defaults, prompt.getOptions());
        List<Turn> turns = turns(prompt);
        return Flux.create(sink -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            sink.onCancel(() -> cancelled.set(true));
            sink.onDispose(() -> cancelled.set(true));
            Thread.ofPlatform().daemon().name("llama-panama-stream-" + THREADS.incrementAndGet())
                    .start(() -> run(turns, plan, sink, cancelled));
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    private void run(List<Turn> turns, SpringOptions.Plan plan, FluxSink<ChatResponse> sink, AtomicBoolean cancelled) {
        try {
            Answer a = model.chat(turns, plan.sampling(), plan.generation(),
                    piece -> sink.next(new ChatResponse(List.of(new Generation(new AssistantMessage(piece.toString()))))),
                    cancelled::get);
            if (!cancelled.get()) {
                sink.next(response("", a));
                sink.complete();
            }
        } catch (RuntimeException | Error e) {
            sink.error(e);
        }
    }

    private List<Turn> turns(Prompt prompt) {
        return SpringMessages.turns(prompt.getInstructions(), model.mediaFetcher());
    }

    private ChatResponse response(String text, Answer a) {
        Generation g = new Generation(new AssistantMessage(text),
                ChatGenerationMetadata.builder().finishReason(finishReason(a.finishReason())).build());
        return new ChatResponse(List.of(g), ChatResponseMetadata.builder().model(model.name())
                .usage(new DefaultUsage(a.promptTokens(), a.completionTokens(), null, null, (long) a.cachedTokens(), null))
                .build());
    }

    /** OpenAI's names, which Spring AI's other models report too. */
    static String finishReason(FinishReason r) {
        return switch (r) {
            case END_OF_GENERATION, STOP_STRING -> "STOP";
            case MAX_TOKENS, CONTEXT_FULL -> "LENGTH";
            case CANCELLED -> "CANCELLED";
        };
    }

    @Override
    public ChatOptions getOptions() {
        return defaults;
    }

    public LocalModel localModel() {
        return model;
    }

    /** Frees the model if this chat model owns it. */
    @Override
    public void close() {
        if (owned) {
            model.close();
        }
    }
}
