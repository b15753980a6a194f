/**
 * GGUF files in Java: a reader that validates a file before llama.cpp sees it (llama.cpp aborts
 * the process on many malformed files), typed metadata and tensor views, and a writer.
 *
 * {@snippet :
 * try (GgufFile file = GgufFile.open(Path.of("model.gguf"))) {
 *     System.out.println(file.architecture().orElse("?") + ", " + file.tensors().size() + " tensors");
 * }
 * }
 */
package io.github.llamapanama.gguf;
