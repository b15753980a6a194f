/**
 * {@code bench}: the library against llama.cpp's own tools from the same build (llama-bench,
 * llama-batched-bench, llama-mtmd-cli) on the same file and threads, alternating runs and printing
 * medians, spreads and ratios.
 *
 * {@snippet lang=sh :
 * java -jar llama-panama-cli-0.1.0-SNAPSHOT-cli.jar bench --short
 * }
 */
package io.github.llamapanama.bench;
