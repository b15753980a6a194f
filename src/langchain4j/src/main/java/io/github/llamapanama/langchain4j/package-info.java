/**
 * LangChain4j models on llama-panama: {@link io.github.llamapanama.langchain4j.LlamaChatModel},
 * a streaming chat model and an embedding model, with images and audio.
 *
 * {@snippet :
 * try (LlamaChatModel model = LlamaChatModel.builder()
 *         .modelPath(Path.of("model.gguf")).mmprojPath(Path.of("mmproj.gguf")).build()) {
 *     ChatResponse r = model.chat(UserMessage.from(ImageContent.from(base64, "image/jpeg"),
 *             TextContent.from("What is in the picture?")));
 * }
 * }
 */
package io.github.llamapanama.langchain4j;
