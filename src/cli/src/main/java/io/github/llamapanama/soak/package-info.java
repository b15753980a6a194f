/**
 * {@code soak}: many clients against an in-process server for a while, then load/close cycles,
 * reporting failed requests, memory and threads.
 *
 * {@snippet lang=sh :
 * java -jar llama-panama-cli-0.1.0-SNAPSHOT-cli.jar soak -m model.gguf --duration 10m --clients 64
 * }
 */
package io.github.llamapanama.soak;
