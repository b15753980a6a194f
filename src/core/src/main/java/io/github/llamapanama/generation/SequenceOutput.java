package io.github.llamapanama.generation;

import io.github.llamapanama.model.TokenDecoder;
import io.github.llamapanama.model.Vocab;

import java.util.Arrays;

/**
 * The text side of one generating sequence: records sampled tokens, ends at end-of-generation,
 * max tokens or a stop string, and assembles whole characters that are safe to emit (text that
 * may begin a stop string is held back). Shared by single and batched generation; allocates
 * nothing per token but when its token array grows.
 */
final class SequenceOutput {
    private final Vocab vocab;
    private final GenerationParams params;
    private final StopMatcher stops;
    private final TokenDecoder decoder;
    private final StringBuilder pending = new StringBuilder(); // decoded, maybe the start of a stop string
    final StringBuilder ready = new StringBuilder();           // safe to hand out
    private int[] tokens = new int[256];
    private int tokenCount;

    SequenceOutput(Vocab vocab, GenerationParams params) {
        this.vocab = vocab;
        this.params = params;
        this.stops = new StopMatcher(params.stopStrings());
        this.decoder = vocab.newDecoder(params.renderSpecial());
    }

    /** Takes a sampled token; returns why the sequence ends with it, or null to go on. */
    FinishReason accept(int token) {
        if (tokenCount == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[tokenCount++] = token;
        if (params.stopAtEndOfGeneration() && vocab.isEndOfGeneration(token)) {
            return FinishReason.END_OF_GENERATION;
        }
        decoder.append(token, pending);
        if (!stops.isEmpty()) {
            int at = stops.find(pending);
            if (at >= 0) {
                pending.setLength(at);
                return FinishReason.STOP_STRING;
            }
        }
        int hold = stops.isEmpty() ? 0 : stops.heldSuffix(pending);
        ready.append(pending, 0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        if (params.maxTokens() > 0 && tokenCount >= params.maxTokens()) {
            return FinishReason.MAX_TOKENS;
        }
        return null;
    }

    /** Moves held-back text out at the end (an unfinished character becomes U+FFFD). */
    void finish(FinishReason reason) {
        if (reason != FinishReason.STOP_STRING) {
            decoder.flush(pending);
        }
        ready.append(pending);
        pending.setLength(0);
    }

    int tokenCount() {
        return tokenCount;
    }

    int[] tokens() {
        return Arrays.copyOf(tokens, tokenCount);
    }
}
