/**
 * {@code bench server}: llama-panama's server and llama-server, each as its own process, driven by
 * the same HTTP clients (time to first token, decode rate, stalls of a running stream, image turns).
 *
 * {@snippet lang=sh :
 * java -jar llama-panama-cli-0.1.0-SNAPSHOT-cli.jar bench server -m model.gguf --mmproj mmproj.gguf
 * }
 */
package io.github.llamapanama.bench.server;
