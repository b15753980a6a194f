package io.github.llamapanama.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds GGUF bytes field by field, so that tests can write what the writer never would: wrong
 * counts, lengths, types and offsets. A default instance is a valid file; tests change one
 * thing. Named marks record where each section starts, for truncation tests.
 */
final class RawGguf {
    /** A metadata entry; key writes the key's bytes (length included), label names it. */
    record Kv(String label, Consumer<RawGguf> key, int type, Consumer<RawGguf> payload) {
        static Kv of(String key, int type, Consumer<RawGguf> payload) {
            return new Kv(key, r -> r.str(key), type, payload);
        }
    }

    /** A tensor; dims are written as given, offset null means "where it belongs". */
    record Tensor(String name, int nDims, long[] dims, int type, Long offset, int dataBytes) {}

    int magic = GgufReader.MAGIC;
    int version = 3;
    Long nTensors;
    Long nKv;
    int alignment = 32;
    final List<Kv> kvs = new ArrayList<>();
    final List<Tensor> tensors = new ArrayList<>();
    /** Where each part started in the last {@link #bytes()}. */
    final Map<String, Integer> marks = new LinkedHashMap<>();
    /** End of the last tensor's data in the last {@link #bytes()} (before trailing padding). */
    int dataEnd;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    /** A small valid file: strings, arrays, and three tensors of different types. */
    static RawGguf valid() {
        RawGguf g = new RawGguf();
        g.kvs.add(Kv.of("general.architecture", 8, r -> r.str("test")));
        g.kvs.add(Kv.of("test.u32", 4, r -> r.u32(7)));
        g.kvs.add(Kv.of("test.array", 9, r -> r.u32(5).u64(3).u32(1).u32(2).u32(3)));
        g.kvs.add(Kv.of("test.strings", 9, r -> r.u32(8).u64(2).str("one").str("two")));
        g.kvs.add(Kv.of("test.f32", 6, r -> r.u32(Float.floatToIntBits(0.5f))));
        g.tensors.add(new Tensor("a", 2, new long[] {4, 2}, GgufType.F32.id(), null, 32));
        g.tensors.add(new Tensor("b", 1, new long[] {8}, GgufType.F16.id(), null, 16));
        g.tensors.add(new Tensor("c", 1, new long[] {32}, GgufType.Q8_0.id(), null, 34));
        return g;
    }

    RawGguf kv(String key, int type, Consumer<RawGguf> payload) {
        kvs.add(Kv.of(key, type, payload));
        return this;
    }

    RawGguf u8(int v) {
        out.write(v);
        return this;
    }

    RawGguf u32(int v) {
        scratch.clear();
        scratch.putInt(v);
        out.write(scratch.array(), 0, 4);
        return this;
    }

    RawGguf u64(long v) {
        scratch.clear();
        scratch.putLong(v);
        out.write(scratch.array(), 0, 8);
        return this;
    }

    RawGguf str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    RawGguf raw(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    private void mark(String name) {
        marks.put(name, out.size());
    }

    byte[] bytes() {
        out.reset();
        marks.clear();
        mark("magic");
        u32(magic);
        mark("version");
        u32(version);
        mark("n_tensors");
        u64(nTensors != null ? nTensors : tensors.size());
        mark("n_kv");
        u64(nKv != null ? nKv : kvs.size());
        for (Kv kv : kvs) {
            mark("kv " + kv.label);
            kv.key.accept(this);
            mark("kv " + kv.label + " type");
            u32(kv.type);
            mark("kv " + kv.label + " value");
            kv.payload.accept(this);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            mark("tensor " + t.name);
            str(t.name);
            u32(t.nDims);
            for (long d : t.dims) {
                u64(d);
            }
            mark("tensor " + t.name + " type");
            u32(t.type);
            mark("tensor " + t.name + " offset");
            u64(t.offset != null ? t.offset : offset);
            offset = align(offset + t.dataBytes);
        }
        mark("padding");
        pad();
        mark("data");
        for (Tensor t : tensors) {
            mark("data " + t.name);
            for (int i = 0; i < t.dataBytes; i++) {
                out.write(i * 7 + 1);
            }
            dataEnd = out.size();
            pad();
        }
        mark("end");
        return out.toByteArray();
    }

    private void pad() {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
    }

    private long align(long x) {
        return (x + alignment - 1) / alignment * alignment;
    }
}
