/**
 * A whole conversation in, an answer out: {@link io.github.llamapanama.provider.LocalModel} keeps a
 * pool of contexts over one model (and projector), for the framework adapters (LangChain4j,
 * Spring AI) and applications that answer requests from many threads.
 *
 * {@snippet :
 * try (LocalModel model = LocalModel.builder().modelPath(Path.of("model.gguf")).contextSize(4096).build()) {
 *     Answer answer = model.chat(List.of(Turn.user("Hello!")), SamplingParams.defaults(), GenerationParams.maxTokens(64));
 * }
 * }
 */
package io.github.llamapanama.provider;
