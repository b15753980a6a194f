/**
 * Spring AI models on llama-panama and their Spring Boot auto-configuration
 * ({@link io.github.llamapanama.spring.LlamaAutoConfiguration}), set up by
 * {@code spring.ai.llama-panama.*} properties:
 *
 * {@snippet lang=properties :
 * spring.ai.llama-panama.model=/models/InternVL3-1B-Instruct-Q8_0.gguf
 * spring.ai.llama-panama.mmproj=/models/mmproj-InternVL3-1B-Instruct-Q8_0.gguf
 * }
 */
package io.github.llamapanama.spring;
