package io.github.llamapanama.gguf;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One GGUF metadata value: a scalar of a {@link GgufValueType}, or an array of one. Integers are
 * exposed as {@code long} (unsigned types zero-extended; a UINT64 above {@link Long#MAX_VALUE}
 * comes back as its two's-complement bits), floats as {@code double}. Arrays are held compactly
 * (a UINT8 array as a byte[]), so a large vocabulary costs what it costs in the file.
 */
public final class GgufValue {
    private final GgufValueType elementType;
    private final boolean array;
    /** Long, Double, Boolean or String for scalars; a primitive array or String[] for arrays. */
    private final Object value;

    private GgufValue(GgufValueType elementType, boolean array, Object value) {
        this.elementType = elementType;
        this.array = array;
        this.value = value;
    }

    // --- scalars -------------------------------------------------------------------------

    public static GgufValue uint8(int v) {
        return integer(GgufValueType.UINT8, v);
    }

    public static GgufValue int8(int v) {
        return integer(GgufValueType.INT8, v);
    }

    public static GgufValue uint16(int v) {
        return integer(GgufValueType.UINT16, v);
    }

    public static GgufValue int16(int v) {
        return integer(GgufValueType.INT16, v);
    }

    public static GgufValue uint32(long v) {
        return integer(GgufValueType.UINT32, v);
    }

    public static GgufValue int32(int v) {
        return integer(GgufValueType.INT32, v);
    }

    /** Any bits: values above {@link Long#MAX_VALUE} are passed as their two's complement. */
    public static GgufValue uint64(long v) {
        return integer(GgufValueType.UINT64, v);
    }

    public static GgufValue int64(long v) {
        return integer(GgufValueType.INT64, v);
    }

    public static GgufValue float32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, false, (double) v);
    }

    public static GgufValue float64(double v) {
        return new GgufValue(GgufValueType.FLOAT64, false, v);
    }

    public static GgufValue bool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, false, v);
    }

    public static GgufValue string(String v) {
        return new GgufValue(GgufValueType.STRING, false, Objects.requireNonNull(v));
    }

    /** An integer scalar of the given integer type, range-checked. */
    public static GgufValue integer(GgufValueType type, long v) {
        checkRange(type, v);
        return new GgufValue(type, false, v);
    }

    // --- arrays --------------------------------------------------------------------------

    /** An array of an integer type; each value is range-checked. */
    public static GgufValue array(GgufValueType elementType, long... values) {
        for (long v : values) {
            checkRange(elementType, v);
        }
        Object packed = switch (elementType) {
            case UINT8, INT8 -> {
                byte[] a = new byte[values.length];
                for (int i = 0; i < a.length; i++) a[i] = (byte) values[i];
                yield a;
            }
            case UINT16, INT16 -> {
                short[] a = new short[values.length];
                for (int i = 0; i < a.length; i++) a[i] = (short) values[i];
                yield a;
            }
            case UINT32, INT32 -> {
                int[] a = new int[values.length];
                for (int i = 0; i < a.length; i++) a[i] = (int) values[i];
                yield a;
            }
            default -> values.clone();
        };
        return new GgufValue(elementType, true, packed);
    }

    public static GgufValue int32Array(int... values) {
        return new GgufValue(GgufValueType.INT32, true, values.clone());
    }

    public static GgufValue float32Array(float... values) {
        return new GgufValue(GgufValueType.FLOAT32, true, values.clone());
    }

    public static GgufValue float64Array(double... values) {
        return new GgufValue(GgufValueType.FLOAT64, true, values.clone());
    }

    public static GgufValue boolArray(boolean... values) {
        byte[] a = new byte[values.length];
        for (int i = 0; i < a.length; i++) a[i] = (byte) (values[i] ? 1 : 0);
        return new GgufValue(GgufValueType.BOOL, true, a);
    }

    public static GgufValue stringArray(List<String> values) {
        String[] a = values.toArray(String[]::new);
        for (String s : a) Objects.requireNonNull(s, "null string in array");
        return new GgufValue(GgufValueType.STRING, true, a);
    }

    /** For the reader: takes the packed array as is (byte[] for UINT8/INT8/BOOL, ...). */
    static GgufValue packedArray(GgufValueType elementType, Object packed) {
        return new GgufValue(elementType, true, packed);
    }

    /** For the reader: a scalar from its decoded form (Long, Double, Boolean or String). */
    static GgufValue decodedScalar(GgufValueType type, Object decoded) {
        return new GgufValue(type, false, decoded);
    }

    // --- access --------------------------------------------------------------------------

    /** The value's type: {@link GgufValueType#ARRAY} for an array. */
    public GgufValueType type() {
        return array ? GgufValueType.ARRAY : elementType;
    }

    /** The type of an array's elements, or of the scalar itself. */
    public GgufValueType elementType() {
        return elementType;
    }

    public boolean isArray() {
        return array;
    }

    /** Number of elements: an array's length, 1 for a scalar. */
    public int size() {
        if (!array) {
            return 1;
        }
        return switch (value) {
            case byte[] a -> a.length;
            case short[] a -> a.length;
            case int[] a -> a.length;
            case long[] a -> a.length;
            case float[] a -> a.length;
            case double[] a -> a.length;
            case String[] a -> a.length;
            default -> throw new AssertionError(value);
        };
    }

    /** An integer scalar, unsigned types zero-extended. */
    public long asLong() {
        requireScalar(elementType.isInteger(), "an integer");
        return (Long) value;
    }

    /** An integer scalar that fits an int. */
    public int asInt() {
        long v = asLong();
        if (v != (int) v || (elementType == GgufValueType.UINT64 && v < 0)) {
            throw new IllegalStateException(elementType + " value " + Long.toUnsignedString(v) + " does not fit an int");
        }
        return (int) v;
    }

    /** A float or integer scalar. */
    public double asDouble() {
        requireScalar(elementType.isFloat() || elementType.isInteger(), "a number");
        return value instanceof Long l ? l.doubleValue() : (Double) value;
    }

    public boolean asBoolean() {
        requireScalar(elementType == GgufValueType.BOOL, "a bool");
        return (Boolean) value;
    }

    public String asString() {
        requireScalar(elementType == GgufValueType.STRING, "a string");
        return (String) value;
    }

    /** Element i of an integer array, unsigned types zero-extended. */
    public long getLong(int i) {
        requireArray(elementType.isInteger(), "integers");
        return switch (value) {
            case byte[] a -> elementType.isUnsigned() ? Byte.toUnsignedLong(a[i]) : a[i];
            case short[] a -> elementType.isUnsigned() ? Short.toUnsignedLong(a[i]) : a[i];
            case int[] a -> elementType.isUnsigned() ? Integer.toUnsignedLong(a[i]) : a[i];
            case long[] a -> a[i];
            default -> throw new AssertionError(value);
        };
    }

    /** Element i of a float or integer array. */
    public double getDouble(int i) {
        requireArray(elementType.isFloat() || elementType.isInteger(), "numbers");
        return switch (value) {
            case float[] a -> a[i];
            case double[] a -> a[i];
            default -> getLong(i);
        };
    }

    public boolean getBoolean(int i) {
        requireArray(elementType == GgufValueType.BOOL, "bools");
        return ((byte[]) value)[i] != 0;
    }

    public String getString(int i) {
        requireArray(elementType == GgufValueType.STRING, "strings");
        return ((String[]) value)[i];
    }

    /** A string array as an unmodifiable list. */
    public List<String> asStrings() {
        requireArray(elementType == GgufValueType.STRING, "strings");
        return List.of((String[]) value);
    }

    /** An integer array, widened to long (unsigned types zero-extended). */
    public long[] asLongs() {
        long[] out = new long[size()];
        for (int i = 0; i < out.length; i++) out[i] = getLong(i);
        return out;
    }

    /** A float or integer array, as float. */
    public float[] asFloats() {
        if (value instanceof float[] a) {
            return a.clone();
        }
        float[] out = new float[size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) getDouble(i);
        return out;
    }

    /** The stored form, for the writer (never handed out). */
    Object raw() {
        return value;
    }

    private void requireScalar(boolean ok, String what) {
        if (array || !ok) {
            throw new IllegalStateException("not " + what + ": " + describe());
        }
    }

    private void requireArray(boolean ok, String what) {
        if (!array || !ok) {
            throw new IllegalStateException("not an array of " + what + ": " + describe());
        }
    }

    private String describe() {
        return array ? "array of " + size() + " " + elementType : elementType.toString();
    }

    private static void checkRange(GgufValueType type, long v) {
        boolean ok = switch (type) {
            case UINT8 -> v >= 0 && v <= 0xFF;
            case INT8 -> v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE;
            case UINT16 -> v >= 0 && v <= 0xFFFF;
            case INT16 -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
            case UINT32 -> v >= 0 && v <= 0xFFFF_FFFFL;
            case INT32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            case UINT64, INT64 -> true;
            default -> throw new IllegalArgumentException(type + " is not an integer type");
        };
        if (!ok) {
            throw new IllegalArgumentException(v + " is out of range for " + type);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufValue v && v.elementType == elementType && v.array == array
                && Arrays.deepEquals(new Object[] {value}, new Object[] {v.value});
    }

    @Override
    public int hashCode() {
        return Objects.hash(elementType, array, Arrays.deepHashCode(new Object[] {value}));
    }

    @Override
    public String toString() {
        if (!array) {
            return elementType == GgufValueType.UINT64 ? Long.toUnsignedString((Long) value)
                    : elementType == GgufValueType.STRING ? '"' + (String) value + '"'
                    : String.valueOf(value);
        }
        int n = size();
        StringBuilder sb = new StringBuilder(elementType.toString()).append('[').append(n).append("]{");
        for (int i = 0; i < Math.min(n, 8); i++) {
            if (i > 0) sb.append(", ");
            sb.append(switch (elementType) {
                case STRING -> '"' + getString(i) + '"';
                case BOOL -> String.valueOf(getBoolean(i));
                case FLOAT32, FLOAT64 -> String.valueOf(getDouble(i));
                case UINT64 -> Long.toUnsignedString(getLong(i));
                default -> String.valueOf(getLong(i));
            });
        }
        return sb.append(n > 8 ? ", ...}" : "}").toString();
    }
}
