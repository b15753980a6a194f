/**
 * Generation on the caller's thread: {@link io.github.llamapanama.generation.Generator} turns a
 * prompt into a {@link io.github.llamapanama.generation.Generation} that is an iterator, a stream,
 * a callback or a whole string, with stop strings, limits and statistics;
 * {@link io.github.llamapanama.generation.BatchGenerator} runs several prompts in parallel
 * sequences of one context.
 *
 * {@snippet :
 * try (Model model = Model.load(Path.of("model.gguf"));
 *      Context context = model.newContext(ContextParams.defaults());
 *      Sampler sampler = Sampler.of(SamplingParams.defaults(), model.vocab())) {
 *     new Generator(context, sampler)
 *             .generate("Once upon a time", GenerationParams.maxTokens(64))
 *             .forEachRemaining(System.out::print);
 * }
 * }
 */
package io.github.llamapanama.generation;
