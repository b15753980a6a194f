/**
 * Token sampling: llama.cpp's sampler chains ({@link io.github.llamapanama.sampling.Sampler}),
 * built stage by stage or from llama.cpp's CLI/server parameters
 * ({@link io.github.llamapanama.sampling.SamplingParams}). Parameters are checked in Java before
 * llama.cpp sees them, because llama.cpp asserts (aborting the process) or throws C++ exceptions
 * through its C API on many bad values.
 */
package io.github.llamapanama.sampling;
