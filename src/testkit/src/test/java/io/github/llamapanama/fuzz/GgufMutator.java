package io.github.llamapanama.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Mutates a well-formed GGUF file, deterministically from a seed: raw edits of the original bytes
 * (byte flips, integer fields set to edge values, truncation) and structural edits that keep the
 * file well-formed so they reach llama.cpp and clip.cpp (metadata values set to edge values or
 * another type, entries duplicated or dropped, tensors dropped, duplicated, renamed, retyped or
 * reshaped, vocabulary entries duplicated, emptied or mistyped, merges broken).
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

    private final byte[] base;
    private final GgufLayout layout;

    GgufMutator(byte[] base) {
        this.base = base;
        this.layout = GgufLayout.parse(base);
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
            int kind = r.nextInt(10);
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
        int kind = r.nextInt(16);
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
        int i = r.nextInt(merges.size());
        String[] bad = {"", " ", "a", "a  b", "zz\u0001 q\u0002", " x", "x ", "\u00ff\u00fe \u00fd"};
        merges.set(i, bad[r.nextInt(bad.length)].getBytes(StandardCharsets.UTF_8));
        GgufLayout.setStrings(kv, merges);
        return "merge " + i + " broken";
    }
}
