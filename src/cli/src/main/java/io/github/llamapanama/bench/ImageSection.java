package io.github.llamapanama.bench;

/**
 * The image test of one model: one image and prompt, the Java path against llama-mtmd-cli.
 *
 * @param image            the image file's name
 * @param prompt           the user's text
 * @param promptTokens     prompt tokens, text and image, on the Java side
 * @param imageTokens      the image's tokens
 * @param answerTokens     tokens generated each run
 * @param encode           the projector's encode, ms (lower is better; no target)
 * @param referenceEncode  the same Java encodes against llama-mtmd-cli of the unpatched pinned tree
 *                         built with GGML_NATIVE=ON; null without that build
 * @param firstToken       image to first token, ms: encode, image and text decodes, first sample
 * @param decode           one-token decodes of the answer, t/s
 * @param answerLoop       Java's whole answer loop (sample with the common chain at temperature 0, detokenize, decode), t/s; no counterpart
 * @param bytesPerToken    Java heap bytes per answer token in that loop; null when unknown
 * @param collections      garbage collections during all timed answer loops
 * @param flops            the work of one tile, counted from the projector's shapes; null when
 *                         it cannot be counted
 * @param profile          one more Java run with every encoder node timed on its own: the split
 *                         between linear layers, attention and the rest
 */
public record ImageSection(String image, String prompt, int promptTokens, int imageTokens, int answerTokens,
                           Comparison encode, Comparison referenceEncode, Comparison firstToken, Comparison decode, Summary answerLoop,
                           Summary bytesPerToken, long collections, TileFlops flops,
                           io.github.llamapanama.vision.EncodeProfile profile) {
}
