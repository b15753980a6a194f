package io.github.llamapanama.bench;

import io.github.llamapanama.chat.ChatMessage;
import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.model.Batch;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.TokenDecoder;
import io.github.llamapanama.model.Vocab;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.sampling.SamplingParams;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.Chunk;
import io.github.llamapanama.vision.ChunkType;
import io.github.llamapanama.vision.InputChunks;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.ProjectorParams;

import java.util.List;

/**
 * llama-mtmd-cli's single-turn run on the Java path, step for step, timed as llama.cpp times it.
 * Each run starts like a fresh llama-mtmd-cli process: a new projector and a new context, warmed
 * up as common_init_from_params does (one decode of BOS and EOS, then the cache cleared), so the
 * first encode of a run is as cold on both sides. Then, on the caller's thread:
 *
 * <ul>
 *   <li>the prompt is formatted with the model's chat template and tokenized with the image (not
 *       timed: llama-mtmd-cli times neither);</li>
 *   <li>image to first token: from the start of {@link Projector#evaluate} (text decodes, image
 *       encode, embedding decode) to the first token sampled, which llama-mtmd-cli's "prompt
 *       eval time" matches less the sampling;</li>
 *   <li>decode: each one-token decode of the answer from the Java call to the next sample, as
 *       llama.cpp's "eval time" runs from the decode to the next logits read; the last decode,
 *       never read, is not counted on either side;</li>
 *   <li>the answer loop (sample, detokenize, decode): Java only, llama-mtmd-cli does not time it.</li>
 *   <li>both sample with common_sampler's chain at temperature 0, end-of-generation tokens banned.</li>
 * </ul>
 */
final class JavaImageBench implements AutoCloseable {
    private final Model model;
    private final ImageSettings settings;
    private final int threads;
    private final Sampler sampler;
    private final Batch batch = Batch.ofTokens(1, 1);
    private final StringBuilder piece = new StringBuilder(64);

    JavaImageBench(Model model, ImageSettings settings, int threads) {
        this.model = model;
        this.settings = settings;
        this.threads = threads;
        // llama-mtmd-cli's sampler for --temp 0 --ignore-eos: common_sampler's chain, the same stages
        this.sampler = Sampler.of(SamplingParams.builder().temperature(0).ignoreEos(true).build(), model.vocab(),
                MtmdCliTool.CONTEXT_SIZE);
    }

    /** One run: what llama-mtmd-cli reports, measured on the Java path. */
    ImageRun run() {
        int nPredict = settings.genTokens();
        try (Projector projector = Projector.load(settings.mmproj(), model,
                ProjectorParams.defaults().withThreads(threads));
             Context ctx = model.newContext(LlamaBenchDefaults.context(MtmdCliTool.CONTEXT_SIZE, threads, 1));
             Bitmap bitmap = Bitmap.read(projector, settings.image());
             InputChunks chunks = projector.tokenize(prompt(projector), List.of(bitmap), true)) {
            warmUp(ctx);
            ctx.resetPerf(); // as common_init_from_params does after its warmup
            sampler.reset();
            TokenDecoder decoder = model.vocab().newDecoder(false);
            int imageTokens = chunks.chunks().stream().filter(c -> c.type() != ChunkType.TEXT)
                    .mapToInt(Chunk::tokens).sum();

            long t0 = System.nanoTime();
            Projector.Evaluation e = projector.evaluate(ctx, chunks, 0, 0);
            int token = sampler.sample(ctx, -1);
            long firstToken = System.nanoTime() - t0;
            double firstTokenNative = ctx.perf().promptMillis();

            long bytes = HeapMeter.allocatedBytes();
            long gc = HeapMeter.collections();
            int position = e.position();
            long decodeNanos = 0;
            long decodeStart = 0;
            long loopStart = System.nanoTime();
            for (int i = 0; i < nPredict; i++) {
                if (i > 0) {
                    decodeNanos += System.nanoTime() - decodeStart; // decode to the next logits read
                    token = sampler.sample(ctx, -1);
                }
                piece.setLength(0);
                decoder.append(token, piece);
                decodeStart = System.nanoTime();
                ctx.decode(batch.clear().add(token, position++, 0, true));
            }
            long loopNanos = System.nanoTime() - loopStart;
            long allocated = HeapMeter.since(bytes);
            double decodeNative = ctx.perf().generationMillis(); // the same n - 1 decodes: the last is never read
            return new ImageRun(e.encodeMillis(), firstToken / 1e6, firstToken / 1e6 - firstTokenNative,
                    (nPredict - 1) * 1e9 / decodeNanos, (decodeNanos / 1e3 - decodeNative * 1e3) / (nPredict - 1),
                    nPredict * 1e9 / loopNanos, allocated < 0 ? Double.NaN : (double) allocated / nPredict,
                    HeapMeter.collections() - gc, chunks.tokenCount(), imageTokens);
        }
    }

    /** The user message as llama-mtmd-cli builds it: the marker appended when the prompt has none. */
    private String prompt(Projector projector) {
        String marker = projector.mediaMarker();
        String user = settings.prompt().contains(marker) ? settings.prompt() : settings.prompt() + marker;
        return ChatTemplate.of(model).apply(List.of(ChatMessage.user(user)), true);
    }

    /** common_init_from_params' warmup: BOS and EOS (those the vocabulary has) decoded, then forgotten. */
    private void warmUp(Context ctx) {
        Vocab vocab = model.vocab();
        try (Batch warm = Batch.ofTokens(2, 1)) {
            int n = 0;
            for (int t : new int[] {vocab.bos(), vocab.eos()}) {
                if (t >= 0) {
                    warm.add(t, n++, 0, false);
                }
            }
            if (n == 0) {
                warm.add(0, 0, 0, false);
            }
            warm.setLogits(warm.size() - 1, true); // llama_batch_get_one: logits of the last token
            ctx.decode(warm);
        }
        ctx.kvCache().clear();
        // read before the perf reset: the warmup's decode must not open the prompt's timed span
        ctx.synchronize();
    }

    @Override
    public void close() {
        batch.close();
        sampler.close();
    }

    /**
     * One Java run's figures.
     *
     * @param encodeMillis          the projector's encode of the image
     * @param firstTokenMillis      image to first token
     * @param firstTokenLayerMillis that less llama.cpp's own timing of the same span (its prompt eval time)
     * @param decodeTokensPerSecond one-token decodes per second of decode time
     * @param decodeLayerMicros     the Java decode time per token less llama.cpp's own (its eval time)
     * @param loopTokensPerSecond   answer tokens per second of the whole loop
     * @param bytesPerToken         Java heap bytes the loop allocated per answer token (NaN: unknown)
     * @param collections           garbage collections during the loop
     * @param promptTokens          prompt tokens, text and image
     * @param imageTokens           the image's tokens
     */
    record ImageRun(double encodeMillis, double firstTokenMillis, double firstTokenLayerMillis,
                    double decodeTokensPerSecond, double decodeLayerMicros, double loopTokensPerSecond,
                    double bytesPerToken, long collections, int promptTokens, int imageTokens) {}
}
