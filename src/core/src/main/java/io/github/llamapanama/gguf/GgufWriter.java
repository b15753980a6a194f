package io.github.llamapanama.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a GGUF v3 file: typed metadata, then a tensor table, then tensor data, the way gguf.cpp
 * lays it out (data in table order, each tensor padded to {@code general.alignment}, default
 * 32). This is a tool-level API, for making model files and test fixtures; it does not check
 * that a model's tensors make sense to llama.cpp, only that the file is well formed.
 *
 * <p>Tensor data is streamed: each tensor is produced by its {@link TensorData} callback while
 * the file is written, so a multi-GB model never has to fit in the heap. F32, F16 and BF16
 * tensors take floats ({@link TensorSink#putFloat}) and convert them; any type takes raw bytes.
 *
 * <pre>{@code
 * new GgufWriter()
 *     .put("general.architecture", GgufValue.string("qwen2"))
 *     .addTensor("output_norm.weight", GgufType.F32, new long[] {256}, sink -> {
 *         for (int i = 0; i < 256; i++) sink.putFloat(1f);
 *     })
 *     .write(path);
 * }</pre>
 */
public final class GgufWriter {
    public static final int VERSION = 3;
    private static final int BUFFER_BYTES = 1 << 20;

    /** Produces one tensor's data, in ggml order (ne0 fastest). */
    @FunctionalInterface
    public interface TensorData {
        void writeTo(TensorSink sink) throws IOException;
    }

    /** Where a {@link TensorData} puts exactly the tensor's elements (or bytes). */
    public interface TensorSink {
        /** One element of an F32, F16 or BF16 tensor, converted to its type. */
        void putFloat(float value) throws IOException;

        default void putFloats(float[] values, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, values.length);
            for (int i = 0; i < length; i++) {
                putFloat(values[offset + i]);
            }
        }

        /** Encoded bytes of a tensor of any type (for example blocks of a quantized type). */
        void putBytes(byte[] bytes, int offset, int length) throws IOException;
    }

    private record Tensor(String name, GgufType type, long[] shape, long byteSize, TensorData data) {}

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    /** Adds a metadata entry; keys are written in the order they were put. */
    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(value, "value");
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("metadata keys must not be empty");
        }
        if (key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("metadata key '" + CStrings.printable(key, 80)
                    + "' holds a NUL byte: llama.cpp would read it as '" + CStrings.cut(key) + "'");
        }
        if (metadata.containsKey(key)) {
            throw new IllegalArgumentException("duplicate metadata key '" + key + "'");
        }
        if (key.equals(GgufKeys.GENERAL_ALIGNMENT)) {
            checkAlignment(value);
        }
        metadata.put(key, value);
        return this;
    }

    /**
     * Adds a tensor; its data is asked for when the file is written.
     *
     * @param shape elements per dimension, ne0 first (1 to 4 dimensions, each at least 1)
     */
    public GgufWriter addTensor(String name, GgufType type, long[] shape, TensorData data) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        int nameBytes = name == null ? 0 : name.getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes == 0 || nameBytes >= GgufReader.MAX_TENSOR_NAME) {
            throw new IllegalArgumentException("tensor name must be 1 to " + (GgufReader.MAX_TENSOR_NAME - 1)
                    + " bytes: '" + name + "'");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("tensor name '" + CStrings.printable(name, 80)
                    + "' holds a NUL byte: llama.cpp would read it as '" + CStrings.cut(name) + "'");
        }
        for (Tensor t : tensors) {
            if (t.name.equals(name)) {
                throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
            }
        }
        if (shape.length < 1 || shape.length > GgufReader.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "' must have 1 to 4 dimensions");
        }
        for (long d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("tensor '" + name + "' has a dimension of " + d);
            }
        }
        tensors.add(new Tensor(name, type, shape.clone(), type.byteSize(shape), data));
        return this;
    }

    /** Writes the file, replacing any file at path; a partly written file is deleted. */
    public void write(Path path) throws IOException {
        boolean done = false;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            write(ch);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Writes the file to a channel, from its current position. */
    public void write(WritableByteChannel out) throws IOException {
        int alignment = alignment();
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        Output o = new Output(out, buf);
        byte[] header = header(alignment);
        o.putBytes(header, 0, header.length);
        o.pad(alignment);
        for (Tensor t : tensors) {
            Sink sink = new Sink(o, t);
            t.data.writeTo(sink);
            if (sink.written != t.byteSize) {
                throw new IllegalStateException("tensor '" + t.name + "' got " + sink.written + " of its "
                        + t.byteSize + " bytes");
            }
            o.pad(alignment);
        }
        o.flush();
    }

    private int alignment() {
        GgufValue v = metadata.get(GgufKeys.GENERAL_ALIGNMENT);
        return v == null ? GgufReader.DEFAULT_ALIGNMENT : (int) v.asLong();
    }

    private static void checkAlignment(GgufValue v) {
        if (v.type() != GgufValueType.UINT32) {
            throw new IllegalArgumentException("general.alignment must be a UINT32");
        }
        long a = v.asLong();
        if (a == 0 || (a & (a - 1)) != 0 || a > (1 << 30)) {
            throw new IllegalArgumentException("general.alignment must be a power of 2 up to 2^30: " + a);
        }
    }

    // --- header ---------------------------------------------------------------------------

    private byte[] header(int alignment) {
        Header h = new Header();
        h.u32(GgufReader.MAGIC);
        h.u32(VERSION);
        h.u64(tensors.size());
        h.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            h.string(e.getKey());
            GgufValue v = e.getValue();
            h.u32(v.type().id());
            if (v.isArray()) {
                h.u32(v.elementType().id());
                h.u64(v.size());
            }
            h.value(v);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            h.string(t.name);
            h.u32(t.shape.length);
            for (long d : t.shape) {
                h.u64(d);
            }
            h.u32(t.type.id());
            h.u64(offset);
            offset = GgufReader.alignUp(offset + t.byteSize, alignment);
        }
        return h.toByteArray();
    }

    /** Little-endian encoder for the header. */
    private static final class Header extends ByteArrayOutputStream {
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        Header() {
            super(1 << 16);
        }

        void u8(int v) {
            write(v);
        }

        void u16(int v) {
            scratch.clear();
            scratch.putShort((short) v);
            write(scratch.array(), 0, 2);
        }

        void u32(int v) {
            scratch.clear();
            scratch.putInt(v);
            write(scratch.array(), 0, 4);
        }

        void u64(long v) {
            scratch.clear();
            scratch.putLong(v);
            write(scratch.array(), 0, 8);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            write(b, 0, b.length);
        }

        void value(GgufValue v) {
            Object raw = v.raw();
            switch (raw) {
                case Long l -> integer(v.elementType(), l);
                case Double d -> {
                    if (v.elementType() == GgufValueType.FLOAT32) {
                        u32(Float.floatToRawIntBits((float) (double) d));
                    } else {
                        u64(Double.doubleToRawLongBits(d));
                    }
                }
                case Boolean b -> u8(b ? 1 : 0);
                case String s -> string(s);
                case byte[] a -> write(a, 0, a.length);
                case short[] a -> {
                    for (short x : a) u16(x);
                }
                case int[] a -> {
                    for (int x : a) u32(x);
                }
                case long[] a -> {
                    for (long x : a) u64(x);
                }
                case float[] a -> {
                    for (float x : a) u32(Float.floatToRawIntBits(x));
                }
                case double[] a -> {
                    for (double x : a) u64(Double.doubleToRawLongBits(x));
                }
                case String[] a -> {
                    for (String s : a) string(s);
                }
                default -> throw new AssertionError(raw);
            }
        }

        private void integer(GgufValueType type, long v) {
            switch (type.size()) {
                case 1 -> u8((int) v);
                case 2 -> u16((int) v);
                case 4 -> u32((int) v);
                default -> u64(v);
            }
        }
    }

    // --- data -----------------------------------------------------------------------------

    /** Buffered channel output that counts the bytes it has taken. */
    private static final class Output {
        private final WritableByteChannel out;
        private final ByteBuffer buf;
        private long position;

        Output(WritableByteChannel out, ByteBuffer buf) {
            this.out = out;
            this.buf = buf;
        }

        void ensure(int n) throws IOException {
            if (buf.remaining() < n) {
                flush();
            }
        }

        void putShort(short v) throws IOException {
            ensure(2);
            buf.putShort(v);
            position += 2;
        }

        void putInt(int v) throws IOException {
            ensure(4);
            buf.putInt(v);
            position += 4;
        }

        void putBytes(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                ensure(1);
                int n = Math.min(len, buf.remaining());
                buf.put(b, off, n);
                off += n;
                len -= n;
                position += n;
            }
        }

        void pad(int alignment) throws IOException {
            long padded = GgufReader.alignUp(position, alignment);
            while (position < padded) {
                ensure(1);
                buf.put((byte) 0);
                position++;
            }
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            buf.clear();
        }
    }

    /** Checks the count and converts floats to the tensor's type. */
    private static final class Sink implements TensorSink {
        private final Output out;
        private final Tensor tensor;
        private long written;

        Sink(Output out, Tensor tensor) {
            this.out = out;
            this.tensor = tensor;
        }

        @Override
        public void putFloat(float value) throws IOException {
            int size = switch (tensor.type) {
                case F32, F16, BF16 -> tensor.type.typeSize();
                default -> throw new IllegalStateException("tensor '" + tensor.name + "' is "
                        + tensor.type.ggmlName() + ": give its encoded bytes to putBytes");
            };
            take(size);
            switch (tensor.type) {
                case F32 -> out.putInt(Float.floatToRawIntBits(value));
                case F16 -> out.putShort(Float.floatToFloat16(value));
                default -> out.putShort(toBf16(value));
            }
        }

        @Override
        public void putBytes(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            take(length);
            out.putBytes(bytes, offset, length);
        }

        private void take(long n) {
            if (written + n > tensor.byteSize) {
                throw new IllegalStateException("tensor '" + tensor.name + "' got more than its "
                        + tensor.byteSize + " bytes");
            }
            written += n;
        }
    }

    /** Round to nearest even, as ggml_compute_fp32_to_bf16 does; NaN stays a quiet NaN. */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + (0x7fff + ((bits >>> 16) & 1))) >>> 16);
    }
}
