package io.github.llamapanama.generation;

/**
 * Receives generated text as it is produced, on the generating thread. {@code text} is a reused
 * buffer, valid only during the call: copy it (toString) to keep it. This is the zero-allocation
 * way to stream.
 */
@FunctionalInterface
public interface PieceListener {
    void onPiece(CharSequence text);
}
