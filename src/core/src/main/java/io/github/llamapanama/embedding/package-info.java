/**
 * Sentence embeddings with llama.cpp's pooling: {@link io.github.llamapanama.embedding.Embedder}.
 *
 * {@snippet :
 * try (Model model = Model.load(Path.of("embedding-model.gguf"));
 *      Embedder embedder = Embedder.create(model, PoolingType.MEAN)) {
 *     List<float[]> vectors = embedder.embed(List.of("a cat", "a dog"), true);   // normalised
 * }
 * }
 */
package io.github.llamapanama.embedding;
