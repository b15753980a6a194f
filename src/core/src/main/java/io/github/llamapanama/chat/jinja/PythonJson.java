package io.github.llamapanama.chat.jinja;

import java.lang.reflect.Array;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON text as Python's {@code json.dumps(x, ensure_ascii=False)} writes it, which is what
 * Hugging Face's {@code tojson} filter (and llama.cpp's minja) give chat templates: {@code ", "}
 * and {@code ": "} separators, keys in insertion order, non-ASCII characters as they are.
 * Templates print tool definitions with it, so the prompt the model sees matches the one it was
 * trained on.
 */
public final class PythonJson {
    private PythonJson() {
    }

    /** {@code json.dumps(value, ensure_ascii=False)}; {@code indent} >= 0 pretty-prints as Python does. */
    public static String dumps(Object value, int indent) {
        StringBuilder out = new StringBuilder();
        write(out, value, indent, 0);
        return out.toString();
    }

    public static String dumps(Object value) {
        return dumps(value, -1);
    }

    private static void write(StringBuilder out, Object v, int indent, int depth) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof CharSequence s) {
            string(out, s.toString());
        } else if (v instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (v instanceof Double d) {
            out.append(number(d));
        } else if (v instanceof Float f) {
            out.append(number(f.doubleValue()));
        } else if (v instanceof Number n) {
            out.append(n.toString());
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.append(first ? "" : ",");
                newline(out, indent, depth + 1, first);
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(": ");
                write(out, e.getValue(), indent, depth + 1);
            }
            newline(out, indent, depth, false);
            out.append('}');
        } else if (v instanceof Iterable<?> || v.getClass().isArray()) {
            Iterator<?> it = v instanceof Iterable<?> i ? i.iterator() : arrayIterator(v);
            if (!it.hasNext()) {
                out.append("[]");
                return;
            }
            out.append('[');
            boolean first = true;
            while (it.hasNext()) {
                out.append(first ? "" : ",");
                newline(out, indent, depth + 1, first);
                first = false;
                write(out, it.next(), indent, depth + 1);
            }
            newline(out, indent, depth, false);
            out.append(']');
        } else {
            string(out, v.toString());
        }
    }

    /** Python puts ", " between items on one line; with an indent, "," then a newline. */
    private static void newline(StringBuilder out, int indent, int depth, boolean first) {
        if (indent < 0) {
            if (!first && out.charAt(out.length() - 1) == ',') {
                out.append(' ');
            }
            return;
        }
        out.append('\n').append(" ".repeat(indent * depth));
    }

    private static Iterator<Object> arrayIterator(Object array) {
        int n = Array.getLength(array);
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < n;
            }

            @Override
            public Object next() {
                return Array.get(array, i++);
            }
        };
    }

    /** Python's float repr for the common cases: integral values keep ".0". */
    private static String number(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e16) {
            return (long) d + ".0";
        }
        return Double.toString(d);
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
