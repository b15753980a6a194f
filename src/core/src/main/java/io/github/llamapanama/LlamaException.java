package io.github.llamapanama;

/**
 * Base of llama-panama's exceptions: something llama.cpp or mtmd refused, or input that was
 * refused in Java before it could reach native code. The message carries the native reason.
 */
public class LlamaException extends RuntimeException {
    public LlamaException(String message) {
        super(message);
    }

    public LlamaException(String message, Throwable cause) {
        super(message, cause);
    }
}
