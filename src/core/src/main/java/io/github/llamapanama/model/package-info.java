/**
 * Models, vocabularies, contexts, batches and the KV cache: llama.cpp's {@code llama_model},
 * {@code llama_vocab}, {@code llama_context} and {@code llama_batch}. Each is
 * {@link java.lang.AutoCloseable} and owns its native memory through an arena; use after close
 * throws {@link java.lang.IllegalStateException}, and so does every segment a context hands out.
 *
 * {@snippet :
 * try (Model model = Model.load(Path.of("model.gguf"));
 *      Context ctx = model.newContext(ContextParams.builder().contextSize(4096).build());
 *      Batch batch = Batch.ofTokens(512, 1)) {
 *     int[] tokens = model.vocab().tokenize("The capital of France is", true, false);
 *     for (int i = 0; i < tokens.length; i++) {
 *         batch.add(tokens[i], i, 0, i == tokens.length - 1);
 *     }
 *     ctx.decode(batch);
 *     MemorySegment logits = ctx.logits(-1);       // n_vocab floats, valid until the next decode
 * }
 * }
 */
package io.github.llamapanama.model;
