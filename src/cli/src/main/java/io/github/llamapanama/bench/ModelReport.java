package io.github.llamapanama.bench;

import java.util.List;

/**
 * All figures for one model file.
 *
 * @param file        the file name
 * @param description llama.cpp's description, e.g. "qwen2 1B Q8_0"
 * @param sizeBytes   tensor bytes
 * @param parameters  parameter count
 * @param prefill     the pp test
 * @param decode      the tg test
 * @param sampling    the Generator with a greedy sampler
 * @param batch       the batch test
 * @param heap        Java heap cost of decoding
 * @param threads     greedy decode with the model loaded on another thread (the "Java" side) against
 *                    load and decode on one thread (the "llama.cpp" side of the comparison)
 * @param image       the image test; null when it did not run
 * @param notes       what went wrong or was left out, e.g. a native tool that failed
 */
public record ModelReport(String file, String description, long sizeBytes, long parameters, Comparison prefill,
                          Comparison decode, SamplingFigure sampling, BatchSection batch, HeapSection heap,
                          Comparison threads, ImageSection image, List<String> notes) {

    public ModelReport {
        notes = List.copyOf(notes);
    }
}
