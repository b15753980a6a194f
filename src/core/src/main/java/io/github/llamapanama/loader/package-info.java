/**
 * Finding and loading the natives: a directory named by {@code -Dllama.panama.natives}, a natives
 * jar on the class path, or the staging directory of {@code build-native.sh}; the best CPU variant
 * for this CPU; GPU add-ons. Failures are a {@link io.github.llamapanama.loader.NativeLoadException}
 * listing everything that was tried. Applications rarely call this package: the first use of the
 * API loads the natives.
 */
package io.github.llamapanama.loader;
