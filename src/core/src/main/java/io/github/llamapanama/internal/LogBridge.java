package io.github.llamapanama.internal;

import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.ggml_log_callback;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Routes llama.cpp's log (ggml_log_callback) to {@link System.Logger} "io.github.llamapanama.native".
 * Quiet by default: only errors pass, unless {@link #setLevel} or -Dllama.panama.log=LEVEL lowers
 * the threshold. The upcall stub lives in the global arena, so it can never be called after free.
 * llama.cpp sends a line in pieces (GGML_LOG_LEVEL_CONT); pieces are joined per thread.
 */
public final class LogBridge {
    private static final Logger LOGGER = System.getLogger("io.github.llamapanama.native");
    private static final ThreadLocal<StringBuilder> LINE = ThreadLocal.withInitial(StringBuilder::new);
    private static final ThreadLocal<Level> LINE_LEVEL = new ThreadLocal<>();
    /** Warnings and errors logged on this thread while a native call runs, for its exception. */
    private static final ThreadLocal<StringBuilder> CAPTURE = new ThreadLocal<>();
    private static final ThreadLocal<java.util.function.Consumer<String>> LISTENER = new ThreadLocal<>();
    private static volatile Level threshold = Level.valueOf(
            System.getProperty("llama.panama.log", "ERROR").trim().toUpperCase(java.util.Locale.ROOT));

    private LogBridge() {}

    public static void setLevel(Level level) {
        threshold = level;
    }

    public static Level level() {
        return threshold;
    }

    static void install() {
        MemorySegment stub = ggml_log_callback.allocate(LogBridge::onLog, Arena.global());
        LlamaNative.llama_log_set(stub, MemorySegment.NULL);
    }

    /**
     * Starts recording warnings and errors that native code logs on this thread, so that a
     * failure can name llama.cpp's own reason. Pair with {@link #endCapture()}.
     */
    public static void beginCapture() {
        CAPTURE.set(new StringBuilder());
    }

    /**
     * Hands every piece of text native code logs on this thread, at any level, to {@code listener}
     * (for progress that llama.cpp only logs), until {@link #endListening()}.
     */
    public static void beginListening(java.util.function.Consumer<String> listener) {
        LISTENER.set(listener);
    }

    public static void endListening() {
        LISTENER.remove();
    }

    /** Stops recording and returns what was logged, one message per line (may be empty). */
    public static String endCapture() {
        StringBuilder sb = CAPTURE.get();
        CAPTURE.remove();
        return sb == null ? "" : sb.toString().strip();
    }

    /** The System.Logger level for a ggml_log_level, or null for a continuation. */
    public static Level toLevel(int ggmlLevel) {
        if (ggmlLevel == LlamaNative.GGML_LOG_LEVEL_ERROR()) return Level.ERROR;
        if (ggmlLevel == LlamaNative.GGML_LOG_LEVEL_WARN()) return Level.WARNING;
        if (ggmlLevel == LlamaNative.GGML_LOG_LEVEL_INFO()) return Level.INFO;
        if (ggmlLevel == LlamaNative.GGML_LOG_LEVEL_DEBUG()) return Level.DEBUG;
        if (ggmlLevel == LlamaNative.GGML_LOG_LEVEL_CONT()) return null;
        return Level.INFO;
    }

    private static void onLog(int ggmlLevel, MemorySegment text, MemorySegment userData) {
        try {
            Level level = toLevel(ggmlLevel);
            if (level != null) {
                LINE_LEVEL.set(level);
            } else {
                level = LINE_LEVEL.get() == null ? Level.INFO : LINE_LEVEL.get();
            }
            StringBuilder capture = CAPTURE.get();
            boolean captured = capture != null && level.getSeverity() >= Level.WARNING.getSeverity();
            java.util.function.Consumer<String> listener = LISTENER.get();
            if (level.getSeverity() < threshold.getSeverity() && !captured && listener == null) {
                return;
            }
            String piece = text.reinterpret(Integer.MAX_VALUE).getString(0);
            if (listener != null) {
                listener.accept(piece);
            }
            if (captured) {
                capture.append(piece);
            }
            if (level.getSeverity() < threshold.getSeverity()) {
                return;
            }
            StringBuilder line = LINE.get();
            line.append(piece);
            if (line.length() > 0 && line.charAt(line.length() - 1) == '\n') {
                line.setLength(line.length() - 1);
                LOGGER.log(level, line.toString());
                line.setLength(0);
            }
        } catch (Throwable t) {
            // An exception must never unwind into native code: that would crash the JVM.
        }
    }
}
