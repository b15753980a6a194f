package io.github.llamapanama.generation;

/**
 * A sampled token with its log-probability: {@code log(softmax(logits))} of the logits llama.cpp
 * returned for its position, before any sampler stage (temperature, penalties, grammar) changed
 * them, which is what OpenAI's {@code logprobs} report. The most likely tokens come with theirs,
 * most likely first.
 *
 * @param token       the sampled token
 * @param logprob     its log-probability
 * @param topTokens   the {@code topTokens.length} most likely tokens
 * @param topLogprobs their log-probabilities, in the same order
 */
public record TokenLogprob(int token, float logprob, int[] topTokens, float[] topLogprobs) {
    public TokenLogprob {
        if (topTokens.length != topLogprobs.length) {
            throw new IllegalArgumentException("topTokens and topLogprobs differ in length");
        }
    }
}
