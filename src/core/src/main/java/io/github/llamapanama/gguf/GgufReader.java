package io.github.llamapanama.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates the header, metadata and tensor table of a GGUF file held in a memory
 * segment, without reading tensor data. Every count and length is checked against the bytes
 * left before anything is allocated for it, so a hostile file costs at most its own size. The
 * rules are gguf.cpp's at ea1431b0 (plus a few it should have: zero dimensions, empty keys, a NUL
 * byte in a key or tensor name, which llama.cpp would look up by its bytes before the NUL),
 * so that what passes here does not make llama.cpp abort.
 */
final class GgufReader {
    static final int MAGIC = 0x46554747; // "GGUF" little-endian
    static final int DEFAULT_ALIGNMENT = 32;
    /** GGML_MAX_NAME, including the terminating NUL. */
    static final int MAX_TENSOR_NAME = 64;
    static final int MAX_DIMS = 4;
    /** Smallest encodings, for bounding counts: key len + 1 byte + type + 1-byte value. */
    private static final int MIN_KV_BYTES = 8 + 1 + 4 + 1;
    /** name len + 1 byte + n_dims + one dim + type + offset. */
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 1 + 4 + 8 + 4 + 8;
    /**
     * Largest single metadata value (a string, or an array's encoded elements). Counts are first
     * bounded by the bytes left in the file, but in a multi-GB model that still allows arrays
     * the heap cannot hold; real metadata is a few MB (a 256k-token vocabulary is ~10 MB).
     */
    static final int MAX_VALUE_BYTES = 1 << 29;
    private static final int WINDOW_BYTES = 1 << 20;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** What a successful parse yields. */
    record Parsed(int version, Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors,
                  int alignment, long dataOffset, Map<String, Long> valueOffsets) {}

    private final MemorySegment file;
    private final long size;
    private final String source;
    private long pos;
    /**
     * Heap copy of the bytes around pos: metadata is parsed from it with plain array reads,
     * which is several times faster than a segment access per field for a 151k-token vocabulary.
     */
    private byte[] window = new byte[0];
    private long windowStart;
    private int windowLength;

    private GgufReader(MemorySegment file, String source) {
        this.file = file;
        this.size = file.byteSize();
        this.source = source;
    }

    static Parsed parse(MemorySegment file, String source) {
        return new GgufReader(file, source).parse();
    }

    private Parsed parse() {
        need(4, "the magic");
        int magic = file.get(U32, 0);
        if (magic != MAGIC) {
            throw fail(0, "bad magic " + quoteMagic() + ", expected \"GGUF\"");
        }
        pos = 4;
        long versionAt = pos;
        int version = readInt("the version");
        if (version != 2 && version != 3) {
            String why = (version & 0xFFFF) == 0 && version != 0
                    ? " (a big-endian file? only little-endian GGUF is supported)"
                    : version == 1 ? " (GGUF v1 is no longer supported)" : "";
            throw fail(versionAt, "unsupported GGUF version " + Integer.toUnsignedString(version)
                    + ", expected 2 or 3" + why);
        }
        long countsAt = pos;
        long nTensors = readLong("the tensor count");
        long nKv = readLong("the metadata count");
        long left = size - pos;
        if (nTensors < 0 || nTensors > left / MIN_TENSOR_INFO_BYTES) {
            throw fail(countsAt, "header claims " + Long.toUnsignedString(nTensors) + " tensors but the "
                    + left + " bytes after the header hold at most " + left / MIN_TENSOR_INFO_BYTES
                    + " (truncated, or a wrong count)");
        }
        if (nKv < 0 || nKv > left / MIN_KV_BYTES
                || nKv * MIN_KV_BYTES + nTensors * MIN_TENSOR_INFO_BYTES > left) {
            throw fail(countsAt + 8, "header claims " + Long.toUnsignedString(nKv) + " metadata entries and "
                    + nTensors + " tensors but only " + left + " bytes follow the header (truncated, or a wrong count)");
        }

        Map<String, Long> valueOffsets = new java.util.HashMap<>();
        Map<String, GgufValue> metadata = readMetadata(nKv, valueOffsets);
        int alignment = alignment(metadata);
        KnownKeys.check(metadata, (key, why) -> fail(-1, "metadata '" + key + "' " + why));
        List<GgufTensorInfo> tensors = readTensorInfos(nTensors);
        long dataOffset = alignUp(pos, alignment);
        checkTensorLayout(tensors, alignment, dataOffset);
        return new Parsed(version, Collections.unmodifiableMap(metadata), List.copyOf(tensors),
                alignment, dataOffset, Collections.unmodifiableMap(valueOffsets));
    }

    // --- metadata ------------------------------------------------------------------------

    /** valueOffsets gets, per key, where its value starts: a string's length, an array's element count. */
    private Map<String, GgufValue> readMetadata(long nKv, Map<String, Long> valueOffsets) {
        Map<String, GgufValue> kv = new LinkedHashMap<>(); // not sized by the count: it may lie
        for (long i = 0; i < nKv; i++) {
            long at = pos;
            String what = "metadata key #" + i;
            String key = readName(what, Integer.MAX_VALUE);
            if (key.isEmpty()) {
                throw fail(at, what + " is empty");
            }
            int nul = key.indexOf('\0');
            if (nul >= 0) {
                // gguf_find_key compares keys with strcmp: llama.cpp would find this entry under
                // the bytes before the NUL, a name this map does not hold
                throw fail(at, what + " '" + CStrings.printable(key, 80) + "' holds a NUL byte: llama.cpp would read it as '"
                        + key.substring(0, nul) + "'");
            }
            if (kv.containsKey(key)) {
                throw fail(at, "duplicate metadata key '" + key + "'");
            }
            long typeAt = pos;
            int typeId = readInt("the type of '" + key + "'");
            GgufValueType type = GgufValueType.fromId(typeId).orElseThrow(
                    () -> fail(typeAt, "metadata '" + key + "' has unknown value type " + typeId));
            GgufValue value;
            if (type == GgufValueType.ARRAY) {
                long elemAt = pos;
                int elemId = readInt("the element type of '" + key + "'");
                GgufValueType elem = GgufValueType.fromId(elemId).orElseThrow(
                        () -> fail(elemAt, "metadata '" + key + "' is an array of unknown value type " + elemId));
                if (elem == GgufValueType.ARRAY) {
                    throw fail(elemAt, "metadata '" + key + "' is an array of arrays, which GGUF does not allow");
                }
                valueOffsets.put(key, pos);
                value = readArray(key, elem);
            } else {
                valueOffsets.put(key, pos);
                value = GgufValue.decodedScalar(type, readScalar(type, "the value of '" + key + "'"));
            }
            kv.put(key, value);
        }
        return kv;
    }

    private Object readScalar(GgufValueType type, Object what) {
        return switch (type) {
            case UINT8 -> (long) Byte.toUnsignedInt(readByte(what));
            case INT8 -> (long) readByte(what);
            case UINT16 -> (long) Short.toUnsignedInt(readShort(what));
            case INT16 -> (long) readShort(what);
            case UINT32 -> Integer.toUnsignedLong(readInt(what));
            case INT32 -> (long) readInt(what);
            case UINT64, INT64 -> readLong(what);
            case FLOAT32 -> {
                yield (double) Float.intBitsToFloat(readInt(what));
            }
            case FLOAT64 -> {
                yield Double.longBitsToDouble(readLong(what));
            }
            case BOOL -> readByte(what) != 0;
            case STRING -> readString(what);
            case ARRAY -> throw new AssertionError();
        };
    }

    private GgufValue readArray(String key, GgufValueType elem) {
        long countAt = pos;
        long count = readLong("the length of '" + key + "'");
        long left = size - pos;
        long perElement = elem == GgufValueType.STRING ? 8 : elem.size();
        if (count < 0 || count > left / perElement) {
            throw fail(countAt, "metadata '" + key + "' claims " + Long.toUnsignedString(count) + " "
                    + elem + " elements but only " + left + " bytes are left in the file");
        }
        if (count * perElement > MAX_VALUE_BYTES) {
            throw fail(countAt, "metadata '" + key + "' claims " + count + " " + elem + " elements, more than the "
                    + (MAX_VALUE_BYTES >> 20) + " MiB this reader allows for one value");
        }
        int n = (int) count;
        Object packed = switch (elem) {
            case UINT8, INT8, BOOL -> copy(ValueLayout.JAVA_BYTE, new byte[n], n);
            case UINT16, INT16 -> copy(U16, new short[n], n);
            case UINT32, INT32 -> copy(U32, new int[n], n);
            case FLOAT32 -> copy(F32, new float[n], n);
            case UINT64, INT64 -> copy(U64, new long[n], n);
            case FLOAT64 -> copy(F64, new double[n], n);
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readString(new Element(key, i));
                }
                yield a;
            }
            case ARRAY -> throw new AssertionError();
        };
        return GgufValue.packedArray(elem, packed);
    }

    /** "the length of ..." in a message, built only if one is needed. */
    private record LengthOf(Object what) {
        @Override
        public String toString() {
            return "the length of " + what;
        }
    }

    /** Names an array element in a message, built only if one is needed. */
    private record Element(String key, int index) {
        @Override
        public String toString() {
            return "element " + index + " of '" + key + "'";
        }
    }

    private Object copy(ValueLayout layout, Object array, int n) {
        MemorySegment.copy(file, layout, pos, array, 0, n);
        pos += layout.byteSize() * n;
        return array;
    }

    private int alignment(Map<String, GgufValue> metadata) {
        GgufValue v = metadata.get(GgufKeys.GENERAL_ALIGNMENT);
        if (v == null) {
            return DEFAULT_ALIGNMENT;
        }
        // gguf.cpp reads it with gguf_get_val_u32, which aborts on any other type
        if (v.type() != GgufValueType.UINT32) {
            throw fail(-1, "general.alignment must be a UINT32, not " + describe(v));
        }
        long a = v.asLong();
        if (a == 0 || (a & (a - 1)) != 0) {
            throw fail(-1, "general.alignment " + a + " is not a power of 2");
        }
        if (a > (1 << 30)) {
            throw fail(-1, "general.alignment " + a + " is larger than 2^30");
        }
        return (int) a;
    }

    // --- tensor table --------------------------------------------------------------------

    private List<GgufTensorInfo> readTensorInfos(long nTensors) {
        List<GgufTensorInfo> tensors = new ArrayList<>(); // not sized by the count: it may lie
        Set<String> names = new HashSet<>();
        for (long i = 0; i < nTensors; i++) {
            long at = pos;
            String what = "tensor #" + i;
            String name = readName(what + "'s name", MAX_TENSOR_NAME - 1);
            if (name.isEmpty()) {
                throw fail(at, what + " has an empty name");
            }
            int nul = name.indexOf('\0');
            if (nul >= 0) {
                // ggml_set_name copies the name as a C string: llama.cpp would know the tensor
                // by its bytes before the NUL, which is not the name the checks look up
                throw fail(at, what + "'s name '" + CStrings.printable(name, 80) + "' holds a NUL byte: llama.cpp would read it as '"
                        + name.substring(0, nul) + "'");
            }
            if (!names.add(name)) {
                throw fail(at, "duplicate tensor name '" + name + "' (" + what + ")");
            }
            String t = "tensor '" + name + "'";
            long dimsAt = pos;
            int nDims = readInt("the dimension count of " + t);
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw fail(dimsAt, t + " has " + Integer.toUnsignedString(nDims) + " dimensions, expected 1 to " + MAX_DIMS);
            }
            long[] shape = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                long neAt = pos;
                shape[d] = readLong("dimension " + d + " of " + t);
                // ggml divides by ne[1..3] when it checks the element count: 0 would crash it
                if (shape[d] <= 0) {
                    throw fail(neAt, t + " dimension " + d + " has " + shape[d] + " elements, expected at least 1");
                }
                elements = multiply(elements, shape[d], neAt, t + " has more elements than fit in 63 bits");
            }
            long typeAt = pos;
            int typeId = readInt("the type of " + t);
            GgufType type = GgufType.fromId(typeId).orElseThrow(() -> fail(typeAt, t + " has unknown ggml type "
                    + typeId + (typeId >= 0 && typeId < GgufType.COUNT ? " (removed from ggml)" : "")));
            if (shape[0] % type.blockSize() != 0) {
                throw fail(typeAt, t + " of type " + type.ggmlName() + " has " + shape[0]
                        + " elements per row, not a multiple of its block size " + type.blockSize());
            }
            long byteSize;
            try {
                byteSize = type.byteSize(shape);
            } catch (ArithmeticException e) {
                throw fail(typeAt, t + " is larger than 2^63 bytes");
            }
            long offset = readLong("the data offset of " + t);
            tensors.add(new GgufTensorInfo(name, type, shape, offset, byteSize));
        }
        return tensors;
    }

    /** gguf.cpp requires the data in table order, each tensor padded to the alignment. */
    private void checkTensorLayout(List<GgufTensorInfo> tensors, int alignment, long dataOffset) {
        if (!tensors.isEmpty() && dataOffset > size) {
            throw fail(pos, "the data section would start at " + dataOffset + ", past the end of the file (" + size + " bytes)");
        }
        long expected = 0;
        GgufTensorInfo previous = null;
        for (GgufTensorInfo t : tensors) {
            String name = "tensor '" + t.name() + "'";
            long offset = t.offset();
            if (offset != expected) {
                String why = Long.remainderUnsigned(offset, alignment) != 0
                        ? "which is not a multiple of the alignment " + alignment
                        : Long.compareUnsigned(offset, expected) < 0
                        ? "which overlaps " + (previous == null ? "" : "tensor '" + previous.name() + "'")
                        : "which leaves a gap after " + (previous == null ? "the table" : "tensor '" + previous.name() + "'");
                throw fail(-1, name + " has data offset " + Long.toUnsignedString(offset) + ", expected " + expected
                        + " (data follows the table order, each tensor padded to " + alignment + " bytes), " + why);
            }
            long start = dataOffset + offset;
            if (start < 0 || t.byteSize() > size - start) {
                throw fail(-1, name + " data [" + start + ", " + (start + t.byteSize()) + ") extends past the end of the file ("
                        + size + " bytes)");
            }
            expected = alignUp(offset + t.byteSize(), alignment);
            previous = t;
        }
    }

    // --- primitives ----------------------------------------------------------------------

    private void need(long n, Object what) {
        if (n > size - pos) {
            throw fail(pos, "truncated: " + what + " needs " + n + " bytes at offset " + pos
                    + " but the file ends at " + size);
        }
    }

    /** Makes [pos, pos + n) available in the window; returns pos's index there. */
    private int window(int n, Object what) {
        need(n, what);
        if (pos < windowStart || pos + n > windowStart + windowLength) {
            int length = (int) Math.min(size - pos, Math.max(WINDOW_BYTES, n));
            if (window.length < length) {
                window = new byte[Math.max(length, WINDOW_BYTES)];
            }
            MemorySegment.copy(file, ValueLayout.JAVA_BYTE, pos, window, 0, length);
            windowStart = pos;
            windowLength = length;
        }
        return (int) (pos - windowStart);
    }

    private byte readByte(Object what) {
        byte v = window[window(1, what)];
        pos += 1;
        return v;
    }

    private short readShort(Object what) {
        int i = window(2, what);
        pos += 2;
        return (short) ((window[i] & 0xFF) | (window[i + 1] & 0xFF) << 8);
    }

    private int readInt(Object what) {
        int i = window(4, what);
        pos += 4;
        return (window[i] & 0xFF) | (window[i + 1] & 0xFF) << 8 | (window[i + 2] & 0xFF) << 16
                | (window[i + 3] & 0xFF) << 24;
    }

    private long readLong(Object what) {
        int i = window(8, what);
        long lo = (window[i] & 0xFF) | (window[i + 1] & 0xFF) << 8 | (window[i + 2] & 0xFF) << 16
                | (long) (window[i + 3] & 0xFF) << 24;
        long hi = (window[i + 4] & 0xFF) | (window[i + 5] & 0xFF) << 8 | (window[i + 6] & 0xFF) << 16
                | (long) (window[i + 7] & 0xFF) << 24;
        pos += 8;
        return lo | hi << 32;
    }

    private int readLength(Object what) {
        long at = pos;
        long len = readLong(new LengthOf(what));
        if (len < 0 || len > size - pos) {
            throw fail(at, what + " claims " + Long.toUnsignedString(len) + " bytes but only "
                    + (size - pos) + " are left in the file");
        }
        if (len > MAX_VALUE_BYTES) {
            throw fail(at, what + " is " + len + " bytes long, more than the " + (MAX_VALUE_BYTES >> 20)
                    + " MiB this reader allows for one value");
        }
        return (int) len;
    }

    /** A value string: UTF-8, malformed bytes replaced (llama.cpp treats them as bytes). */
    private String readString(Object what) {
        int len = readLength(what);
        int i = window(len, what);
        pos += len;
        return new String(window, i, len, StandardCharsets.UTF_8);
    }

    /** A key or tensor name: strict UTF-8, at most maxBytes. */
    private String readName(String what, int maxBytes) {
        long at = pos;
        int len = readLength(what);
        if (len > maxBytes) {
            throw fail(at, what + " is " + len + " bytes long, at most " + maxBytes + " are allowed");
        }
        int i = window(len, what);
        pos += len;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(window, i, len)).toString();
        } catch (CharacterCodingException e) {
            throw fail(at, what + " is not valid UTF-8");
        }
    }

    private long multiply(long a, long b, long at, String message) {
        try {
            long r = Math.multiplyExact(a, b);
            if (r != Long.MAX_VALUE) {
                return r;
            }
        } catch (ArithmeticException ignored) {
            // reported below
        }
        throw fail(at, message);
    }

    static long alignUp(long x, long alignment) {
        return (x + alignment - 1) & -alignment;
    }

    private String quoteMagic() {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < 4; i++) {
            int c = Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, i));
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return sb.append('"').toString();
    }

    static String describe(GgufValue v) {
        return v.isArray() ? "an array of " + v.size() + " " + v.elementType() : article(v.type()) + v.type();
    }

    static String article(GgufValueType t) {
        return t.name().startsWith("INT") ? "an " : "a ";
    }

    private GgufFormatException fail(long at, String message) {
        return new GgufFormatException(source + ": " + message + (at >= 0 ? " (at byte " + at + ")" : ""), at);
    }
}
