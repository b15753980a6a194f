package io.github.llamapanama.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Mutates a well-formed GGUF file, deterministically from a seed: raw edits of the original bytes
 * (byte flips, 1-4 bytes set in the first 40 KB, integer fields set to edge values, a string
 * length that runs into the next field or stops short, an array count off by a little,
 * truncation) and structural edits that keep the file well-formed so they reach llama.cpp and
 * clip.cpp (metadata values set to edge values or another type, entries duplicated or dropped,
 * tensors dropped, duplicated, renamed, retyped or reshaped, vocabulary entries duplicated,
 * emptied or mistyped, merges broken, string payloads given a NUL, invalid UTF-8 or another
 * element's text, arrays grown or shrunk).
 */
final class GgufMutator {
    /** A mutated file and what was done to it. */
    record Mutation(byte[] bytes, String description) {}

    static final long MAX_DATA = 64L << 20;
    private static final long[] EDGE_64 = {0, 1, 2, 3, -1, -2, Long.MAX_VALUE, Long.MIN_VALUE, 0x7FFFFFFFL,
            0x80000000L, 0xFFFFFFFFL, 0x100000000L, 1L << 40};
    private static final long[] EDGE_32 = {0, 1, 2, 3, 7, -1, -2, 0x7FFFFFFF, 0x80000000L, 0xFFFF, 0x10000, 255, 256};
    private static final int[] TYPES = {0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 24, 25, 26, 27, 28, 29,
            30, 34, 35, 36, 38, 39, 255, -1};

    /** Invalid UTF-8: a stray byte, an overlong NUL, a lone continuation, a cut sequence, a surrogate. */
    private static final byte[][] INVALID_UTF8 = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0x80},
            {(byte) 0xE2, (byte) 0x82}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFE}};
    private static final int RAW_BYTES_WINDOW = 40 << 10;

    private final byte[] base;
    private final GgufLayout layout;
    /** String lengths of keys and scalar values (the rest are array elements, far more of them). */
    private final List<GgufLayout.Field> scalarStringLengths;

    GgufMutator(byte[] base) {
        this.base = base;
        this.layout = GgufLayout.parse(base);
        this.scalarStringLengths = layout.stringLengths.stream().filter(f -> !f.what().startsWith("length of element"))
                .toList();
    }

    Mutation mutate(long seed) {
        Random r = new Random(seed);
        if (r.nextInt(100) < 35) {
            return raw(r);
        }
        GgufLayout l = GgufLayout.parse(base); // a fresh copy to edit
        List<String> done = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            done.add(structural(l, r));
        }
        byte[] bytes = l.write(MAX_DATA);
        if (bytes == null) {
            return raw(r); // a mutation that would need a huge file: fall back
        }
        return new Mutation(bytes, String.join("; ", done));
    }

    // --- raw -----------------------------------------------------------------------------

    private Mutation raw(Random r) {
        byte[] b = base.clone();
        List<String> done = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(16);
            if (kind < 4) {
                int flips = 1 + r.nextInt(6);
                for (int f = 0; f < flips; f++) {
                    int at = r.nextInt(Math.min(b.length, layout.dataOffset + 64));
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                done.add("flip " + flips + " bits");
            } else if (kind < 9) {
                GgufLayout.Field f = layout.fields.get(r.nextInt(layout.fields.size()));
                long v = f.width() == 8 ? EDGE_64[r.nextInt(EDGE_64.length)] : EDGE_32[r.nextInt(EDGE_32.length)];
                ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                if (f.width() == 8) {
                    bb.putLong(f.at(), v);
                } else {
                    bb.putInt(f.at(), (int) v);
                }
                done.add(f.what() + " = " + v);
            } else if (kind < 11) {
                // the kind of edit that found issue #25: a few bytes of the metadata set
                int bytes = 1 + r.nextInt(4);
                int window = Math.min(b.length, Math.min(RAW_BYTES_WINDOW, layout.dataOffset + 64));
                StringBuilder what = new StringBuilder("set");
                for (int k = 0; k < bytes; k++) {
                    int at = r.nextInt(window);
                    int[] values = {0, 0, 0, 0xFF, 0x80, 0xC0, 0x20, r.nextInt(256)};
                    b[at] = (byte) values[r.nextInt(values.length)];
                    what.append(String.format(" [%d]=0x%02x", at, b[at] & 0xFF));
                }
                done.add(what.toString());
            } else if (kind < 13) {
                // a string length that runs into the next field, or stops short of its own end
                List<GgufLayout.Field> from = r.nextInt(10) < 3 && !scalarStringLengths.isEmpty() ? scalarStringLengths
                        : layout.stringLengths;
                GgufLayout.Field f = from.get(r.nextInt(from.size()));
                ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                long old = bb.getLong(f.at());
                long[] deltas = {-3, -2, -1, 1, 1, 2, 3, 4, 8, 12, 16, -old};
                long v = Math.max(0, old + deltas[r.nextInt(deltas.length)]);
                bb.putLong(f.at(), v);
                done.add(f.what() + " " + old + " -> " + v);
            } else if (kind < 15) {
                GgufLayout.Field f = layout.arrayCounts.get(r.nextInt(layout.arrayCounts.size()));
                ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                long old = bb.getLong(f.at());
                long[] choices = {old - 1, old + 1, old - 2, old + 2, old - 100, old + 100, 0, 1, old * 2, old / 2};
                long v = Math.max(0, choices[r.nextInt(choices.length)]);
                bb.putLong(f.at(), v);
                done.add(f.what() + " " + old + " -> " + v);
            } else {
                int at = r.nextInt(b.length);
                b = java.util.Arrays.copyOf(b, at);
                done.add("truncate at " + at);
                break;
            }
        }
        return new Mutation(b, "raw: " + String.join("; ", done));
    }

    // --- structural ----------------------------------------------------------------------

    private String structural(GgufLayout l, Random r) {
        int kind = r.nextInt(21);
        switch (kind) {
            case 0, 1, 2 -> {
                return kvScalar(l, r);
            }
            case 3 -> {
                int i = r.nextInt(l.kvs.size());
                l.kvs.add(i, l.kvs.get(i).copy());
                return "duplicate metadata '" + l.kvs.get(i).key + "'";
            }
            case 4 -> {
                GgufLayout.Kv kv = l.kvs.remove(r.nextInt(l.kvs.size()));
                return "drop metadata '" + kv.key + "'";
            }
            case 5 -> {
                GgufLayout.Tensor t = l.tensors.remove(r.nextInt(l.tensors.size()));
                return "drop tensor '" + t.name + "'";
            }
            case 6 -> {
                GgufLayout.Tensor t = l.tensors.get(r.nextInt(l.tensors.size())).copy();
                String renamed = t.name.replaceFirst("\\.\\d+\\.", "." + r.nextInt(40) + ".");
                t.name = renamed.equals(t.name) ? t.name + ".dup" : renamed;
                l.tensors.add(r.nextInt(l.tensors.size() + 1), t);
                return "duplicate tensor as '" + t.name + "'";
            }
            case 7 -> {
                GgufLayout.Tensor a = l.tensors.get(r.nextInt(l.tensors.size()));
                GgufLayout.Tensor b = l.tensors.get(r.nextInt(l.tensors.size()));
                String n = a.name;
                a.name = b.name;
                b.name = n;
                return "swap names of '" + b.name + "' and '" + a.name + "'";
            }
            case 8 -> {
                GgufLayout.Tensor t = l.tensors.get(r.nextInt(l.tensors.size()));
                int before = t.type;
                t.type = TYPES[r.nextInt(TYPES.length)];
                return "tensor '" + t.name + "' type " + before + " -> " + t.type;
            }
            case 9 -> {
                GgufLayout.Tensor a = l.tensors.get(r.nextInt(l.tensors.size()));
                GgufLayout.Tensor b = l.tensors.get(r.nextInt(l.tensors.size()));
                long[] s = a.shape;
                a.shape = b.shape;
                b.shape = s;
                return "swap shapes of '" + a.name + "' and '" + b.name + "'";
            }
            case 10 -> {
                GgufLayout.Tensor t = l.tensors.get(r.nextInt(l.tensors.size()));
                int d = r.nextInt(t.shape.length);
                long before = t.shape[d];
                long[] choices = {1, 2, 3, before + 1, before - 1, before * 2, Math.max(1, before / 2), 32, 256};
                t.shape = t.shape.clone();
                t.shape[d] = choices[r.nextInt(choices.length)];
                return "tensor '" + t.name + "' dim " + d + " " + before + " -> " + t.shape[d];
            }
            case 11 -> {
                GgufLayout.Tensor t = l.tensors.get(r.nextInt(l.tensors.size()));
                if (t.shape.length > 1 && r.nextBoolean()) {
                    t.shape = java.util.Arrays.copyOf(t.shape, t.shape.length - 1);
                    return "tensor '" + t.name + "' loses its last dimension";
                }
                if (t.shape.length < 4) {
                    t.shape = java.util.Arrays.copyOf(t.shape, t.shape.length + 1);
                    t.shape[t.shape.length - 1] = 1 + r.nextInt(3);
                    return "tensor '" + t.name + "' gains a dimension of " + t.shape[t.shape.length - 1];
                }
                return "nothing";
            }
            case 12 -> {
                return vocabText(l, r);
            }
            case 13 -> {
                return tokenType(l, r);
            }
            case 14 -> {
                return merges(l, r);
            }
            case 16, 17, 18 -> {
                return arrayStringPayload(l, r);
            }
            case 19 -> {
                return scalarStringPayload(l, r);
            }
            case 20 -> {
                return arrayLength(l, r);
            }
            default -> {
                return kvType(l, r);
            }
        }
    }

    private static final int[] WIDTH = {1, 1, 2, 2, 4, 4, 4, 1, -1, -1, 8, 8, 8};

    /** Sets an integer, float or bool metadata value to an edge value. */
    private static String kvScalar(GgufLayout l, Random r) {
        List<GgufLayout.Kv> scalars = new ArrayList<>();
        for (GgufLayout.Kv kv : l.kvs) {
            if (kv.type >= 0 && kv.type < WIDTH.length && WIDTH[kv.type] > 0) {
                scalars.add(kv);
            }
        }
        GgufLayout.Kv kv = scalars.get(r.nextInt(scalars.size()));
        ByteBuffer b = ByteBuffer.wrap(kv.raw).order(ByteOrder.LITTLE_ENDIAN);
        int at = kv.valueAt;
        String v;
        switch (kv.type) {
            case 6 -> {
                float[] fs = {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, 1e30f, 1e-30f, -0f};
                float f = fs[r.nextInt(fs.length)];
                b.putFloat(at, f);
                v = Float.toString(f);
            }
            case 12 -> {
                double[] ds = {0, -1, Double.NaN, Double.NEGATIVE_INFINITY, 1e300};
                double d = ds[r.nextInt(ds.length)];
                b.putDouble(at, d);
                v = Double.toString(d);
            }
            default -> {
                long x;
                int w = WIDTH[kv.type];
                long old = switch (w) {
                    case 1 -> b.get(at);
                    case 2 -> b.getShort(at);
                    case 4 -> b.getInt(at);
                    default -> b.getLong(at);
                };
                long[] choices = {0, 1, 2, 3, -1, old + 1, old - 1, old * 2, old / 2, 0x7FFFFFFF, 0xFFFFFFFFL, 1 << 20,
                        Long.MAX_VALUE};
                x = choices[r.nextInt(choices.length)];
                switch (w) {
                    case 1 -> b.put(at, (byte) x);
                    case 2 -> b.putShort(at, (short) x);
                    case 4 -> b.putInt(at, (int) x);
                    default -> b.putLong(at, x);
                }
                v = Long.toString(x);
            }
        }
        return "metadata '" + kv.key + "' = " + v;
    }

    /** Changes a scalar's type id to another of the same width (type confusion). */
    private static String kvType(GgufLayout l, Random r) {
        GgufLayout.Kv kv = l.kvs.get(r.nextInt(l.kvs.size()));
        if (kv.type == 9 || kv.type == 8 || kv.type >= WIDTH.length) {
            return "nothing";
        }
        int w = WIDTH[kv.type];
        List<Integer> same = new ArrayList<>();
        for (int t = 0; t < WIDTH.length; t++) {
            if (WIDTH[t] == w && t != kv.type) {
                same.add(t);
            }
        }
        if (same.isEmpty()) {
            return "nothing";
        }
        int t = same.get(r.nextInt(same.size()));
        ByteBuffer.wrap(kv.raw).order(ByteOrder.LITTLE_ENDIAN).putInt(kv.valueAt - 4, t);
        int before = kv.type;
        kv.type = t;
        return "metadata '" + kv.key + "' type " + before + " -> " + t;
    }

    private static String vocabText(GgufLayout l, Random r) {
        GgufLayout.Kv kv = l.kv("tokenizer.ggml.tokens");
        if (kv == null) {
            return "nothing";
        }
        List<byte[]> tokens = new ArrayList<>(GgufLayout.strings(kv));
        if (tokens.isEmpty()) {
            return "nothing"; // emptied by an earlier edit
        }
        int i = r.nextInt(tokens.size());
        int j = r.nextInt(tokens.size());
        String what;
        switch (r.nextInt(3)) {
            case 0 -> {
                tokens.set(j, tokens.get(i));
                what = "token " + j + " gets the text of token " + i;
            }
            case 1 -> {
                tokens.set(j, new byte[0]);
                what = "token " + j + " is empty";
            }
            default -> {
                tokens.set(j, ("[EMPTY_" + i + "]").getBytes(StandardCharsets.UTF_8));
                tokens.set(i, new byte[0]);
                what = "token " + i + " is empty and token " + j + " is '[EMPTY_" + i + "]'";
            }
        }
        GgufLayout.setStrings(kv, tokens);
        return what;
    }

    private static String tokenType(GgufLayout l, Random r) {
        GgufLayout.Kv kv = l.kv("tokenizer.ggml.token_type");
        if (kv == null || kv.elemType != 5) {
            return "nothing";
        }
        ByteBuffer b = ByteBuffer.wrap(kv.raw).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(kv.valueAt);
        if (n == 0) {
            return "nothing";
        }
        int i = r.nextInt((int) n);
        int[] values = {-1, 0, 7, 8, 100, Integer.MAX_VALUE, Integer.MIN_VALUE};
        int v = values[r.nextInt(values.length)];
        b.putInt(kv.valueAt + 8 + 4 * i, v);
        return "token " + i + " type = " + v;
    }

    private static String merges(GgufLayout l, Random r) {
        GgufLayout.Kv kv = l.kv("tokenizer.ggml.merges");
        if (kv == null) {
            return "nothing";
        }
        List<byte[]> merges = new ArrayList<>(GgufLayout.strings(kv));
        if (merges.isEmpty()) {
            return "nothing";
        }
        int i = r.nextInt(merges.size());
        String[] bad = {"", " ", "a", "a  b", "zz\u0001 q\u0002", " x", "x ", "\u00ff\u00fe \u00fd"};
        merges.set(i, bad[r.nextInt(bad.length)].getBytes(StandardCharsets.UTF_8));
        GgufLayout.setStrings(kv, merges);
        return "merge " + i + " broken";
    }

    /**
     * An element of a string array (tokens mostly, merges, any other) gets a NUL, invalid UTF-8,
     * another element's text in front of a NUL, or loses its tail.
     */
    private static String arrayStringPayload(GgufLayout l, Random r) {
        List<GgufLayout.Kv> arrays = new ArrayList<>();
        for (GgufLayout.Kv kv : l.kvs) {
            if (kv.type == 9 && kv.elemType == 8 && !GgufLayout.strings(kv).isEmpty()) {
                arrays.add(kv);
            }
        }
        if (arrays.isEmpty()) {
            return "nothing";
        }
        GgufLayout.Kv tokens = l.kv("tokenizer.ggml.tokens");
        GgufLayout.Kv kv = tokens != null && tokens.type == 9 && tokens.elemType == 8 && r.nextInt(3) > 0
                && !GgufLayout.strings(tokens).isEmpty() ? tokens : arrays.get(r.nextInt(arrays.size()));
        List<byte[]> values = new ArrayList<>(GgufLayout.strings(kv));
        int i = r.nextInt(values.size());
        byte[] other = values.get(r.nextInt(values.size()));
        String[] what = new String[1];
        values.set(i, payload(values.get(i), other, r, what));
        GgufLayout.setStrings(kv, values);
        return "element " + i + " of '" + kv.key + "': " + what[0];
    }

    /** A string value (architecture, tokenizer model, projector type, chat template, ...) gets the same edits. */
    private static String scalarStringPayload(GgufLayout l, Random r) {
        List<GgufLayout.Kv> strings = new ArrayList<>();
        for (GgufLayout.Kv kv : l.kvs) {
            if (kv.type == 8) {
                strings.add(kv);
            }
        }
        if (strings.isEmpty()) {
            return "nothing";
        }
        GgufLayout.Kv kv = strings.get(r.nextInt(strings.size()));
        String[] what = new String[1];
        byte[] old = GgufLayout.string(kv);
        GgufLayout.setString(kv, payload(old, old, r, what));
        return "'" + kv.key + "': " + what[0];
    }

    private static byte[] payload(byte[] s, byte[] other, Random r, String[] what) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int at = r.nextInt(s.length + 1);
        switch (r.nextInt(8)) {
            case 0 -> {
                int n = 1 + r.nextInt(4);
                out.write(s, 0, at);
                out.writeBytes(new byte[n]);
                out.write(s, at, s.length - at);
                what[0] = n + " NUL inserted at " + at;
            }
            case 1 -> {
                out.writeBytes(s);
                byte[] b = out.toByteArray();
                if (b.length > 0) {
                    b[Math.min(at, b.length - 1)] = 0;
                }
                what[0] = "NUL written at " + Math.min(at, Math.max(0, b.length - 1));
                return b;
            }
            case 2 -> {
                out.write(0);
                out.writeBytes(s);
                what[0] = "starts with NUL";
            }
            case 3 -> {
                out.writeBytes(s);
                out.write(0);
                out.write("junk".getBytes(StandardCharsets.UTF_8), 0, r.nextInt(5));
                what[0] = "NUL and a tail appended";
            }
            case 4, 5 -> {
                byte[] bad = INVALID_UTF8[r.nextInt(INVALID_UTF8.length)];
                boolean overwrite = r.nextBoolean() && at < s.length;
                out.write(s, 0, at);
                out.writeBytes(bad);
                int rest = overwrite ? Math.min(s.length, at + bad.length) : at;
                out.write(s, rest, s.length - rest);
                what[0] = "invalid UTF-8 " + java.util.HexFormat.of().formatHex(bad) + (overwrite ? " written" : " inserted")
                        + " at " + at;
            }
            case 6 -> {
                // another element's text, a NUL, then this one's: llama.cpp reads the other's text
                out.writeBytes(other);
                out.write(0);
                out.writeBytes(s);
                what[0] = "another element's text and a NUL in front";
            }
            default -> {
                out.write(s, 0, at);
                what[0] = "cut to " + at + " bytes";
            }
        }
        return out.toByteArray();
    }

    private static final int[] ELEMENT_SIZE = {1, 1, 2, 2, 4, 4, 4, 1, -1, -1, 8, 8, 8};

    /** An array grows or shrinks by a few elements (copies of its last), or is emptied. */
    private static String arrayLength(GgufLayout l, Random r) {
        List<GgufLayout.Kv> arrays = new ArrayList<>();
        for (GgufLayout.Kv kv : l.kvs) {
            if (kv.type == 9 && (kv.elemType == 8 || kv.elemType >= 0 && kv.elemType < ELEMENT_SIZE.length
                    && ELEMENT_SIZE[kv.elemType] > 0)) {
                arrays.add(kv);
            }
        }
        if (arrays.isEmpty()) {
            return "nothing";
        }
        GgufLayout.Kv kv = arrays.get(r.nextInt(arrays.size()));
        ByteBuffer b = ByteBuffer.wrap(kv.raw).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) b.getLong(kv.valueAt);
        int[] deltas = {-1, -2, -3, 1, 2, 3, -n};
        int want = Math.max(0, n + deltas[r.nextInt(deltas.length)]);
        if (kv.elemType == 8) {
            List<byte[]> values = new ArrayList<>(GgufLayout.strings(kv));
            while (values.size() > want) {
                values.remove(values.size() - 1);
            }
            while (values.size() < want) {
                values.add(values.isEmpty() ? new byte[] {'x'} : (r.nextBoolean() ? values.getLast()
                        : ("new" + values.size()).getBytes(StandardCharsets.UTF_8)));
            }
            GgufLayout.setStrings(kv, values);
        } else {
            int w = ELEMENT_SIZE[kv.elemType];
            byte[] raw = new byte[kv.valueAt + 8 + want * w];
            System.arraycopy(kv.raw, 0, raw, 0, kv.valueAt + 8 + Math.min(n, want) * w);
            for (int i = n; i < want && n > 0; i++) {
                System.arraycopy(kv.raw, kv.valueAt + 8 + (n - 1) * w, raw, kv.valueAt + 8 + i * w, w);
            }
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).putLong(kv.valueAt, want);
            kv.raw = raw;
        }
        return "'" + kv.key + "' has " + want + " elements instead of " + n;
    }
}
