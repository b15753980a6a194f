package io.github.llamapanama.internal;

import io.github.llamapanama.internal.ffm.LlamaNative;

import java.lang.foreign.MemorySegment;

/**
 * The native pointer behind a public API object, for the library's own packages only: each
 * {@link NativeResource} binds the object it owns, and no public method hands it out.
 */
public final class Handles {
    private Handles() {}

    /** The owner's native pointer; throws {@link IllegalStateException} when the owner is closed. */
    public static MemorySegment of(NativeResource owner) {
        return owner.bound();
    }

    /** The llama_vocab of a model (it lives inside the model); throws when the model is closed. */
    public static MemorySegment vocab(NativeResource model) {
        return LlamaNative.llama_model_get_vocab(of(model));
    }
}
