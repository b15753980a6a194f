package io.github.llamapanama.gguf;

import java.nio.charset.StandardCharsets;

/**
 * GGUF strings as llama.cpp sees them. gguf.cpp stores a string with its length, but llama.cpp
 * and clip.cpp read most of them back through a {@code const char *} ({@code gguf_get_val_str},
 * {@code gguf_get_arr_str}) into a {@code std::string}, which stops at the first NUL byte: a
 * token text {@code "Ġ\0\0y"} is {@code "Ġ"} to llama.cpp, a text that starts with NUL is empty.
 * Checks that compare, look up or test strings for emptiness must do so on this view.
 */
public final class CStrings {
    private CStrings() {}

    /** The part of a decoded string that llama.cpp reads: up to its first NUL (U+0000). */
    public static String cut(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    /** The bytes llama.cpp reads: up to the first NUL byte (UTF-8 has no other zero byte). */
    public static byte[] cut(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return java.util.Arrays.copyOf(b, i);
            }
        }
        return b;
    }

    /**
     * A byte string as a Java string of one char per byte (ISO-8859-1): equal exactly when the
     * bytes are equal, which decoded UTF-8 is not (malformed bytes all become U+FFFD).
     */
    public static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** A {@link #latin1} string's bytes shown for a message: UTF-8, control and malformed bytes as \xNN. */
    public static String printableBytes(String latin1, int max) {
        byte[] b = latin1.getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < b.length && sb.length() < max) {
            int c = b[i] & 0xFF;
            int n = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
            if (n == 1 && c >= 0x20 && c != 0x7F && c != '\\') {
                sb.append((char) c);
                i++;
                continue;
            }
            if (n > 1 && i + n <= b.length && continuation(b, i + 1, n - 1)) {
                String s = new String(b, i, n, StandardCharsets.UTF_8);
                if (s.indexOf('\uFFFD') < 0) {
                    sb.append(s);
                    i += n;
                    continue;
                }
            }
            sb.append(c == '\\' ? "\\\\" : String.format("\\x%02x", c));
            i++;
        }
        return i < b.length ? sb + "..." : sb.toString();
    }

    /** A decoded string shown for a message: control characters as \xNN, at most max chars. */
    public static String printable(String s, int max) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7F ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return i < s.length() ? sb + "..." : sb.toString();
    }

    private static boolean continuation(byte[] b, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if ((b[i] & 0xC0) != 0x80) {
                return false;
            }
        }
        return true;
    }
}
