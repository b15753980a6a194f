package io.github.llamapanama.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A prompt for a {@link ContinuousBatch} slot: text tokens and media items, in order. The batch
 * compares it with what each slot's KV cache holds, reuses the longest common prefix and
 * evaluates the rest. The media items belong to the prompt: {@link #close()} closes them (the
 * batch does once it is done with the prompt).
 */
public final class SlotPrompt implements AutoCloseable {
    /** Marks a position that holds media, in {@link #cells()}. */
    static final int MEDIA = -1;

    private final List<Object> pieces; // int[] (text) or PromptMedia
    private final int positions;

    private SlotPrompt(List<Object> pieces) {
        this.pieces = List.copyOf(pieces);
        int n = 0;
        for (Object p : this.pieces) {
            n += p instanceof int[] t ? t.length : ((PromptMedia) p).positions();
        }
        this.positions = n;
    }

    /** A text prompt of tokens. */
    public static SlotPrompt ofTokens(int[] tokens) {
        return builder().text(tokens).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Positions the whole prompt takes in a sequence. */
    public int positions() {
        return positions;
    }

    /** How many media items it holds. */
    public int mediaCount() {
        return (int) pieces.stream().filter(p -> p instanceof PromptMedia).count();
    }

    List<Object> pieces() {
        return pieces;
    }

    /** Closes every media item (idempotent as the items are). */
    @Override
    public void close() {
        RuntimeException first = null;
        for (Object p : pieces) {
            if (p instanceof PromptMedia m) {
                try {
                    m.close();
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "SlotPrompt[" + positions + " positions, " + mediaCount() + " media]";
    }

    /** Collects text and media in prompt order; consecutive text runs are joined. */
    public static final class Builder {
        private final List<Object> pieces = new ArrayList<>();

        private Builder() {}

        public Builder text(int[] tokens) {
            Objects.requireNonNull(tokens, "tokens");
            if (tokens.length == 0) {
                return this;
            }
            if (!pieces.isEmpty() && pieces.getLast() instanceof int[] last) {
                int[] joined = Arrays.copyOf(last, last.length + tokens.length);
                System.arraycopy(tokens, 0, joined, last.length, tokens.length);
                pieces.set(pieces.size() - 1, joined);
            } else {
                pieces.add(tokens.clone());
            }
            return this;
        }

        public Builder media(PromptMedia media) {
            Objects.requireNonNull(media, "media");
            if (media.positions() < 1 || media.tokens() < 1) {
                throw new IllegalArgumentException("media must take at least one position and token");
            }
            pieces.add(media);
            return this;
        }

        public SlotPrompt build() {
            if (pieces.isEmpty()) {
                throw new IllegalArgumentException("empty prompt");
            }
            return new SlotPrompt(pieces);
        }
    }
}
