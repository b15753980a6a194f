package io.github.llamapanama.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;

import java.util.Objects;

/**
 * LangChain4j's request parameters plus what llama.cpp samples with beyond them: a seed (a
 * uint32; the same seed, prompt and parameters give the same answer), min-p and the repetition
 * penalty.
 *
 * {@snippet :
 * ChatRequest request = ChatRequest.builder()
 *         .messages(UserMessage.from("Name a colour."))
 *         .parameters(LlamaChatRequestParameters.builder().temperature(0.7).seed(42L).build())
 *         .build();
 * }
 */
public final class LlamaChatRequestParameters extends DefaultChatRequestParameters {
    private final Long seed;
    private final Double minP;
    private final Double repeatPenalty;

    private LlamaChatRequestParameters(Builder builder) {
        super(builder);
        this.seed = builder.seed;
        this.minP = builder.minP;
        this.repeatPenalty = builder.repeatPenalty;
    }

    public Long seed() {
        return seed;
    }

    public Double minP() {
        return minP;
    }

    public Double repeatPenalty() {
        return repeatPenalty;
    }

    @Override
    public LlamaChatRequestParameters overrideWith(ChatRequestParameters that) {
        return builder().overrideWith(this).overrideWith(that).build();
    }

    @Override
    public LlamaChatRequestParameters defaultedBy(ChatRequestParameters that) {
        return builder().overrideWith(that).overrideWith(this).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LlamaChatRequestParameters that && super.equals(o) && Objects.equals(seed, that.seed)
                && Objects.equals(minP, that.minP) && Objects.equals(repeatPenalty, that.repeatPenalty);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), seed, minP, repeatPenalty);
    }

    @Override
    public String toString() {
        return "LlamaChatRequestParameters{" + super.toString() + ", seed=" + seed + ", minP=" + minP
                + ", repeatPenalty=" + repeatPenalty + "}";
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends DefaultChatRequestParameters.Builder<Builder> {
        private Long seed;
        private Double minP;
        private Double repeatPenalty;

        @Override
        public Builder overrideWith(ChatRequestParameters parameters) {
            super.overrideWith(parameters);
            if (parameters instanceof LlamaChatRequestParameters p) {
                if (p.seed != null) {
                    seed = p.seed;
                }
                if (p.minP != null) {
                    minP = p.minP;
                }
                if (p.repeatPenalty != null) {
                    repeatPenalty = p.repeatPenalty;
                }
            }
            return this;
        }

        /** The sampling seed, a uint32. */
        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder minP(Double minP) {
            this.minP = minP;
            return this;
        }

        public Builder repeatPenalty(Double repeatPenalty) {
            this.repeatPenalty = repeatPenalty;
            return this;
        }

        @Override
        public LlamaChatRequestParameters build() {
            return new LlamaChatRequestParameters(this);
        }
    }
}
