/**
 * The command-line tool ({@code describe}, {@code chat}, {@code generate}, {@code serve},
 * {@code info}, {@code system-info}, {@code bench}, {@code soak}), built with picocli. Its entry
 * point is {@link io.github.llamapanama.cli.Main}:
 *
 * {@snippet lang=sh :
 * java -jar llama-panama-cli-0.1.0-SNAPSHOT-cli.jar describe --image photo.jpg "What is in it?"
 * }
 */
package io.github.llamapanama.cli;
