package io.github.llamapanama.bench;

/**
 * What the Java decode loops cost the Java heap, measured on the decoding thread.
 *
 * @param decodeBytesPerToken     bytes per token of the tg runs (the llama-bench loop); null
 *                                when the JVM does not count allocations
 * @param generationBytesPerToken bytes per piece of text in the Generator runs, between the
 *                                first piece and the last: the loop's own cost
 * @param generationBytesPerRun   all bytes of a Generator run (Generation.forEach), including
 *                                the result it returns (a copy of the tokens, the stats)
 * @param batchBytesPerToken      bytes per token of the batch steps
 * @param decodeCollections       garbage collections during all timed tg runs
 * @param generationCollections   garbage collections during all timed Generator runs
 * @param target                  the goal for the medians of {@code decodeBytesPerToken} and
 *                                {@code generationBytesPerToken}
 * @param met                     whether both meet it; null when not judged
 */
public record HeapSection(Summary decodeBytesPerToken, Summary generationBytesPerToken,
                          Summary generationBytesPerRun, Summary batchBytesPerToken,
                          long decodeCollections, long generationCollections, Target target, Boolean met) {
}
