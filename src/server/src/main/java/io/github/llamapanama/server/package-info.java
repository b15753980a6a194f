/**
 * An OpenAI-compatible HTTP server on llama-panama ({@code /v1/chat/completions},
 * {@code /v1/completions}, {@code /v1/embeddings}, streaming, tools, images and audio) with a
 * continuous-batching scheduler, a prompt cache per slot, an image embedding cache and chunked
 * prefill. The command-line tool's {@code serve} runs it; from Java:
 *
 * {@snippet :
 * try (LlamaServer server = new LlamaServer(ServerConfig.builder(Path.of("model.gguf"))
 *         .projector(Path.of("mmproj.gguf")).port(8080).parallel(4).build()).start()) {
 *     server.awaitTermination();
 * }
 * }
 */
package io.github.llamapanama.server;
