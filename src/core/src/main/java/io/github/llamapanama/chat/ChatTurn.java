package io.github.llamapanama.chat;

import io.github.llamapanama.generation.Generation;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.generation.PieceListener;

import java.util.function.UnaryOperator;

/**
 * An answer being generated in a conversation. When it finishes (streamed or awaited), the
 * conversation records it, once.
 */
public final class ChatTurn {
    private final Generation generation;
    private final UnaryOperator<GenerationResult> onFinished;
    private GenerationResult result;

    /** @param onFinished records the finished answer in its conversation; called once */
    public ChatTurn(Generation generation, UnaryOperator<GenerationResult> onFinished) {
        this.generation = generation;
        this.onFinished = onFinished;
    }

    public Generation generation() {
        return generation;
    }

    /** Streams the answer to {@code listener} and records it. */
    public GenerationResult stream(PieceListener listener) {
        StringBuilder all = new StringBuilder();
        GenerationResult r = generation.forEach(piece -> {
            all.append(piece);
            listener.onPiece(piece);
        });
        return finished(new GenerationResult(all.toString(), r.tokens(), r.finishReason(), r.stats()));
    }

    /** Waits for the whole answer and records it. */
    public GenerationResult result() {
        return finished(generation.finish());
    }

    public String text() {
        return result().text();
    }

    /** Stops the answer at the next token; safe from any thread. */
    public void cancel() {
        generation.cancel();
    }

    private GenerationResult finished(GenerationResult r) {
        if (result == null) {
            result = onFinished.apply(r);
        }
        return result;
    }
}
