/**
 * Model download from the Hugging Face hub ({@link io.github.llamapanama.hub.HfHub}): files are
 * resolved through {@code {endpoint}/{repo}/resolve/{revision}/{file}}, stored in the hub's own
 * cache layout (so files fetched by other Hugging Face tools are reused and vice versa), resumed
 * after an interruption and checked against the SHA-256 the hub publishes. Configuration follows
 * the hub's environment variables: {@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE},
 * {@code HF_HUB_CACHE} and {@code HF_HOME}.
 */
package io.github.llamapanama.hub;
