package io.github.llamapanama.bench;

/**
 * The figures of one llama-mtmd-cli run on an image prompt, from its own log.
 *
 * @param encodeMillis     "image slice encoded in N ms" (mtmd's helper, whole milliseconds),
 *                         summed over the slices
 * @param imageTokens      "n_tokens_batch = N" of the image's embedding batches
 * @param promptEvalMillis llama_perf_context_print's "prompt eval time": from the start of the
 *                         first prompt decode to the first sample reading the logits. mtmd's
 *                         helper encodes the image between two text decodes and nothing reads
 *                         the logits meanwhile, so this span holds the encode, the image and
 *                         text decodes: the time from image to first token, less the sampling
 * @param promptTokens     tokens of that span, text and image
 * @param evalMillis       "eval time": the one-token decodes of the answer, each measured from
 *                         its start to the next sample reading its logits
 * @param evalRuns         how many one-token decodes that was (the last decode is never read,
 *                         so n - 1 for an answer of n tokens)
 */
record MtmdCliResult(long encodeMillis, int imageTokens, double promptEvalMillis, int promptTokens,
                     double evalMillis, int evalRuns) {

    double evalTokensPerSecond() {
        return evalRuns * 1000.0 / evalMillis;
    }
}
