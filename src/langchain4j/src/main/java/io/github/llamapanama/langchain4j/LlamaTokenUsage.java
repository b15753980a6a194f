package io.github.llamapanama.langchain4j;

import dev.langchain4j.model.output.TokenUsage;

/**
 * Token usage of one answer, plus how many of the prompt's positions were already in the KV
 * cache from an earlier turn and did not need evaluating.
 */
public final class LlamaTokenUsage extends TokenUsage {
    private final int cachedTokenCount;

    public LlamaTokenUsage(int inputTokenCount, int outputTokenCount, int cachedTokenCount) {
        super(inputTokenCount, outputTokenCount);
        this.cachedTokenCount = cachedTokenCount;
    }

    /** Prompt positions (text and media) reused from the KV cache. */
    public int cachedTokenCount() {
        return cachedTokenCount;
    }

    /** The sum, keeping the cached count when {@code that} is one of these too. */
    @Override
    public LlamaTokenUsage add(TokenUsage that) {
        if (that == null) {
            return this;
        }
        int cached = cachedTokenCount + (that instanceof LlamaTokenUsage l ? l.cachedTokenCount : 0);
        return new LlamaTokenUsage(count(inputTokenCount()) + count(that.inputTokenCount()),
                count(outputTokenCount()) + count(that.outputTokenCount()), cached);
    }

    private static int count(Integer n) {
        return n == null ? 0 : n;
    }

    @Override
    public String toString() {
        return "LlamaTokenUsage{input=" + inputTokenCount() + ", output=" + outputTokenCount() + ", cached="
                + cachedTokenCount + "}";
    }
}
