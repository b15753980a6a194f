/**
 * llama.cpp and mtmd for Java: the runtime facts of the loaded natives ({@link io.github.llamapanama.Llama}),
 * the devices they see, and the library's base exception.
 *
 * {@snippet :
 * System.out.println(Llama.systemInfo());          // llama.cpp's CPU features, as llama-cli prints them
 * System.out.println(Llama.cpuVariant());          // the ggml CPU variant the loader picked, e.g. icelake
 * Llama.devices().forEach(System.out::println);
 * }
 *
 * <p>The model, context and generation API is in the subpackages: start with
 * {@link io.github.llamapanama.model.Model}.
 */
package io.github.llamapanama;
