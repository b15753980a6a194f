package io.github.llamapanama.fuzz;

import io.github.llamapanama.gguf.GgufType;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A well-formed GGUF file taken apart for mutation: metadata entries as raw bytes (plus where
 * their value sits), tensor infos as fields with their data, and where every integer field of the
 * original file lies. {@link #write()} puts it back together with offsets and padding recomputed,
 * so structural mutations (a swapped type, a duplicated tensor) reach llama.cpp instead of being
 * refused by the Java reader for a broken layout.
 */
final class GgufLayout {
    static final int ALIGN = 32;

    /** A metadata entry: its raw bytes (key, type, value) and the value's type ids. */
    static final class Kv {
        final String key;
        int type;
        int elemType; // for arrays
        byte[] raw;
        int valueAt; // offset of the value in raw (after the type; for arrays: after elem type)

        Kv(String key, int type, int elemType, byte[] raw, int valueAt) {
            this.key = key;
            this.type = type;
            this.elemType = elemType;
            this.raw = raw;
            this.valueAt = valueAt;
        }

        Kv copy() {
            return new Kv(key, type, elemType, raw.clone(), valueAt);
        }
    }

    /** A tensor info and its data. */
    static final class Tensor {
        String name;
        long[] shape;
        int type;
        byte[] data;

        Tensor(String name, long[] shape, int type, byte[] data) {
            this.name = name;
            this.shape = shape;
            this.type = type;
            this.data = data;
        }

        Tensor copy() {
            return new Tensor(name, shape.clone(), type, data);
        }
    }

    /** An integer field of the original file: where and how wide. */
    record Field(int at, int width, String what) {}

    int version;
    final List<Kv> kvs = new ArrayList<>();
    final List<Tensor> tensors = new ArrayList<>();
    final List<Field> fields = new ArrayList<>();
    /** Every string length in the original metadata (keys, values, array elements), for length edits. */
    final List<Field> stringLengths = new ArrayList<>();
    /** Every array's element count in the original metadata. */
    final List<Field> arrayCounts = new ArrayList<>();
    int dataOffset;

    private final ByteBuffer in;

    private GgufLayout(byte[] file) {
        in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    }

    static GgufLayout parse(byte[] file) {
        GgufLayout l = new GgufLayout(file);
        l.parse();
        return l;
    }

    private static final int[] SCALAR_SIZE = {1, 1, 2, 2, 4, 4, 4, 1, -1, -1, 8, 8, 8};

    private void parse() {
        in.position(4);
        version = in.getInt();
        fields.add(new Field(8, 8, "tensor count"));
        long nTensors = in.getLong();
        fields.add(new Field(16, 8, "metadata count"));
        long nKv = in.getLong();
        for (long i = 0; i < nKv; i++) {
            int start = in.position();
            fields.add(new Field(start, 8, "key length #" + i));
            stringLengths.add(new Field(start, 8, "key length #" + i));
            String key = string();
            fields.add(new Field(in.position(), 4, "type of " + key));
            int type = in.getInt();
            int elem = -1;
            int valueAt;
            if (type == 9) {
                fields.add(new Field(in.position(), 4, "element type of " + key));
                elem = in.getInt();
                valueAt = in.position() - start;
                fields.add(new Field(in.position(), 8, "length of " + key));
                arrayCounts.add(new Field(in.position(), 8, "length of " + key));
                long n = in.getLong();
                for (long j = 0; j < n; j++) {
                    if (elem == 8) {
                        if (j < 4) {
                            fields.add(new Field(in.position(), 8, "string length in " + key));
                        }
                        stringLengths.add(new Field(in.position(), 8, "length of element " + j + " of " + key));
                        string();
                    } else {
                        in.position(in.position() + SCALAR_SIZE[elem]);
                    }
                }
            } else {
                valueAt = in.position() - start;
                if (type == 8) {
                    fields.add(new Field(in.position(), 8, "string length of " + key));
                    stringLengths.add(new Field(in.position(), 8, "string length of " + key));
                    string();
                } else {
                    int w = SCALAR_SIZE[type];
                    if (w >= 4) {
                        fields.add(new Field(in.position(), w, "value of " + key));
                    }
                    in.position(in.position() + w);
                }
            }
            byte[] raw = new byte[in.position() - start];
            in.get(start, raw);
            kvs.add(new Kv(key, type, elem, raw, valueAt));
        }
        long[] offsets = new long[(int) nTensors];
        for (int i = 0; i < nTensors; i++) {
            fields.add(new Field(in.position(), 8, "name length of tensor #" + i));
            String name = string();
            fields.add(new Field(in.position(), 4, "dimension count of " + name));
            int nDims = in.getInt();
            long[] shape = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                fields.add(new Field(in.position(), 8, "dimension " + d + " of " + name));
                shape[d] = in.getLong();
            }
            fields.add(new Field(in.position(), 4, "type of " + name));
            int type = in.getInt();
            fields.add(new Field(in.position(), 8, "offset of " + name));
            offsets[i] = in.getLong();
            tensors.add(new Tensor(name, shape, type, null));
        }
        dataOffset = align(in.position());
        for (int i = 0; i < nTensors; i++) {
            Tensor t = tensors.get(i);
            long size = GgufType.fromId(t.type).orElseThrow().byteSize(t.shape);
            byte[] data = new byte[(int) size];
            in.get((int) (dataOffset + offsets[i]), data);
            t.data = data;
        }
    }

    private String string() {
        long n = in.getLong();
        byte[] b = new byte[(int) n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static int align(long x) {
        return (int) ((x + ALIGN - 1) / ALIGN * ALIGN);
    }

    /** Byte size of a tensor with this type and shape, or -1 if the type is unknown or it is huge. */
    static long byteSize(int type, long[] shape) {
        try {
            return GgufType.fromId(type).map(t -> t.byteSize(shape)).orElse(-1L);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * The file again, consistent: counts, offsets and padding recomputed; each tensor's data
     * cut or zero-extended to its (possibly mutated) size. Null if a tensor would exceed maxData.
     */
    byte[] write(long maxData) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(0x46554747).putInt(version).putLong(tensors.size()).putLong(kvs.size());
        out.writeBytes(head.array());
        for (Kv kv : kvs) {
            out.writeBytes(kv.raw);
        }
        long offset = 0;
        long[] sizes = new long[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            long size = byteSize(t.type, t.shape);
            if (size < 0 || size > maxData) {
                return null;
            }
            sizes[i] = size;
            byte[] name = t.name.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + name.length + 4 + 8 * t.shape.length + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(name.length).put(name).putInt(t.shape.length);
            for (long d : t.shape) {
                b.putLong(d);
            }
            b.putInt(t.type).putLong(offset);
            out.writeBytes(b.array());
            offset = align(offset + size);
            if (offset > maxData) {
                return null;
            }
        }
        pad(out);
        for (int i = 0; i < tensors.size(); i++) {
            byte[] d = tensors.get(i).data;
            out.writeBytes(sizes[i] == d.length ? d : Arrays.copyOf(d, (int) sizes[i]));
            pad(out);
        }
        return out.toByteArray();
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % ALIGN != 0) {
            out.write(0);
        }
    }

    Kv kv(String key) {
        for (Kv k : kvs) {
            if (k.key.equals(key)) {
                return k;
            }
        }
        return null;
    }

    /** The elements of a string-array entry. */
    static List<byte[]> strings(Kv kv) {
        ByteBuffer b = ByteBuffer.wrap(kv.raw).order(ByteOrder.LITTLE_ENDIAN);
        b.position(kv.valueAt);
        long n = b.getLong();
        List<byte[]> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            byte[] s = new byte[(int) b.getLong()];
            b.get(s);
            out.add(s);
        }
        return out;
    }

    /** A string entry's value bytes. */
    static byte[] string(Kv kv) {
        ByteBuffer b = ByteBuffer.wrap(kv.raw).order(ByteOrder.LITTLE_ENDIAN);
        byte[] s = new byte[(int) b.getLong(kv.valueAt)];
        b.get(kv.valueAt + 8, s);
        return s;
    }

    /** Replaces a string entry's value. */
    static void setString(Kv kv, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(kv.raw, 0, kv.valueAt);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value.length).array());
        out.writeBytes(value);
        kv.raw = out.toByteArray();
    }

    /** Replaces a string-array entry's elements. */
    static void setStrings(Kv kv, List<byte[]> values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(kv.raw, 0, kv.valueAt);
        ByteBuffer n = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(values.size());
        out.writeBytes(n.array());
        for (byte[] v : values) {
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v.length).array());
            out.writeBytes(v);
        }
        kv.raw = out.toByteArray();
    }
}
