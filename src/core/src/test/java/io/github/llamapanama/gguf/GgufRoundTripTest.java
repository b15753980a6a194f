package io.github.llamapanama.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgufRoundTripTest {
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    /** One value of every type, scalar and array, including edge values. */
    static Map<String, GgufValue> everyValueType() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", GgufValue.string("test"));
        m.put("t.u8", GgufValue.uint8(255));
        m.put("t.i8", GgufValue.int8(-128));
        m.put("t.u16", GgufValue.uint16(65535));
        m.put("t.i16", GgufValue.int16(-32768));
        m.put("t.u32", GgufValue.uint32(0xFFFF_FFFFL));
        m.put("t.i32", GgufValue.int32(Integer.MIN_VALUE));
        m.put("t.f32", GgufValue.float32(-1.5e-7f));
        m.put("t.bool", GgufValue.bool(true));
        m.put("t.str", GgufValue.string("héllo, 世界 🦙\n\0tail"));
        m.put("t.empty", GgufValue.string(""));
        m.put("t.u64", GgufValue.uint64(-1L)); // 2^64 - 1
        m.put("t.i64", GgufValue.int64(Long.MIN_VALUE));
        m.put("t.f64", GgufValue.float64(Math.PI));
        m.put("t.arr.u8", GgufValue.array(GgufValueType.UINT8, 0, 1, 255));
        m.put("t.arr.i8", GgufValue.array(GgufValueType.INT8, -128, 0, 127));
        m.put("t.arr.u16", GgufValue.array(GgufValueType.UINT16, 0, 65535));
        m.put("t.arr.i16", GgufValue.array(GgufValueType.INT16, -32768, 32767));
        m.put("t.arr.u32", GgufValue.array(GgufValueType.UINT32, 0, 0xFFFF_FFFFL));
        m.put("t.arr.i32", GgufValue.int32Array(-1, 0, 1, Integer.MAX_VALUE));
        m.put("t.arr.f32", GgufValue.float32Array(0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY));
        m.put("t.arr.bool", GgufValue.boolArray(true, false, true));
        m.put("t.arr.str", GgufValue.stringArray(List.of("a", "", "Ġthe", "日本")));
        m.put("t.arr.u64", GgufValue.array(GgufValueType.UINT64, 0, -1L));
        m.put("t.arr.i64", GgufValue.array(GgufValueType.INT64, Long.MIN_VALUE, Long.MAX_VALUE));
        m.put("t.arr.f64", GgufValue.float64Array(1e300, -0.0));
        m.put("t.arr.empty", GgufValue.stringArray(List.of()));
        m.put("t.arr.empty.i32", GgufValue.int32Array());
        return m;
    }

    @Test
    void metadataOfEveryTypeSurvives() throws IOException {
        Path file = dir.resolve("kv.gguf");
        GgufWriter w = new GgufWriter();
        everyValueType().forEach(w::put);
        w.write(file);
        try (GgufFile g = GgufFile.open(file)) {
            assertEquals(3, g.version());
            assertEquals(everyValueType(), g.metadata());
            assertEquals(List.copyOf(everyValueType().keySet()), List.copyOf(g.metadata().keySet()), "file order");
            assertEquals(0xFFFF_FFFFL, g.value("t.u32").orElseThrow().asLong());
            assertEquals("18446744073709551615", g.value("t.u64").orElseThrow().toString());
            assertEquals(255, g.value("t.arr.u8").orElseThrow().getLong(2));
            assertEquals(-128, g.value("t.arr.i8").orElseThrow().getLong(0));
            assertEquals(List.of("a", "", "Ġthe", "日本"), g.value("t.arr.str").orElseThrow().asStrings());
            assertEquals((double) -1.5e-7f, g.value("t.f32").orElseThrow().asDouble());
            assertEquals(Math.PI, g.value("t.f64").orElseThrow().asDouble());
            assertEquals(GgufValueType.ARRAY, g.value("t.arr.bool").orElseThrow().type());
            assertTrue(g.value("t.arr.bool").orElseThrow().getBoolean(2));
            assertEquals("test", g.architecture().orElseThrow());
            assertTrue(g.tensors().isEmpty());
            assertEquals(0, g.parameterCount());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8, 32, 64, 4096})
    void tensorsOfEveryTypeAreAlignedAndIntact(int alignment) throws IOException {
        Path file = dir.resolve("t" + alignment + ".gguf");
        GgufWriter w = new GgufWriter().put("general.architecture", GgufValue.string("test"));
        if (alignment > 0) {
            w.put("general.alignment", GgufValue.uint32(alignment));
        }
        // float tensors converted by the writer
        float[] values = {0f, 1f, -2.5f, 65504f, 1e-8f, Float.NaN, 3.14159f, -0f};
        for (GgufType t : List.of(GgufType.F32, GgufType.F16, GgufType.BF16)) {
            w.addTensor("float." + t.ggmlName(), t, new long[] {values.length}, s -> s.putFloats(values, 0, values.length));
        }
        // every type as raw bytes, shaped [2 blocks, 3 rows], distinct byte patterns
        for (GgufType t : GgufType.values()) {
            long[] shape = {2L * t.blockSize(), 3};
            int size = (int) t.byteSize(shape);
            w.addTensor("raw." + t.ggmlName(), t, shape, s -> s.putBytes(pattern(t, size), 0, size));
        }
        w.addTensor("four.dims", GgufType.F32, new long[] {2, 3, 4, 5}, s -> {
            for (int i = 0; i < 120; i++) s.putFloat(i);
        });
        w.write(file);

        int expectedAlignment = alignment == 0 ? 32 : alignment;
        try (GgufFile g = GgufFile.open(file)) {
            assertEquals(expectedAlignment, g.alignment());
            assertEquals(0, g.dataOffset() % expectedAlignment);
            assertEquals(3 + GgufType.values().length + 1, g.tensors().size());
            for (GgufTensorInfo t : g.tensors()) {
                assertEquals(0, t.offset() % expectedAlignment, t.name());
                assertEquals(t.type().byteSize(t.shape()), t.byteSize());
                if (t.name().startsWith("raw.")) {
                    assertArrayEquals(pattern(t.type(), (int) t.byteSize()), g.tensorData(t).toArray(ValueLayout.JAVA_BYTE), t.name());
                }
            }
            MemorySegment f32 = g.tensorData(g.tensor("float.f32").orElseThrow());
            MemorySegment f16 = g.tensorData(g.tensor("float.f16").orElseThrow());
            MemorySegment bf16 = g.tensorData(g.tensor("float.bf16").orElseThrow());
            for (int i = 0; i < values.length; i++) {
                assertEquals(Float.floatToIntBits(values[i]), Float.floatToIntBits(f32.getAtIndex(LE_FLOAT, i)));
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(values[i])), Float.float16ToFloat(f16.getAtIndex(LE_SHORT, i)));
                float back = Float.intBitsToFloat(bf16.getAtIndex(LE_SHORT, i) << 16);
                if (Float.isNaN(values[i])) {
                    assertTrue(Float.isNaN(back));
                } else {
                    assertEquals(values[i], back, Math.abs(values[i]) / 128, "bf16 keeps 8 bits of mantissa");
                }
            }
            GgufTensorInfo four = g.tensor("four.dims").orElseThrow();
            assertArrayEquals(new long[] {2, 3, 4, 5}, four.shape());
            assertEquals(120, four.elementCount());
            assertEquals(119f, g.tensorData(four).getAtIndex(LE_FLOAT, 119));
            long params = 0;
            for (GgufTensorInfo t : g.tensors()) params += t.elementCount();
            assertEquals(params, g.parameterCount());
        }
    }

    @Test
    void bf16RoundsToNearestEvenLikeGgml() {
        assertEquals((short) 0x3F80, GgufWriter.toBf16(1f));
        assertEquals((short) 0x3F80, GgufWriter.toBf16(Float.intBitsToFloat(0x3F808000))); // tie, even stays
        assertEquals((short) 0x3F82, GgufWriter.toBf16(Float.intBitsToFloat(0x3F818000))); // tie, odd rounds up
        assertEquals((short) 0x3F81, GgufWriter.toBf16(Float.intBitsToFloat(0x3F808001)));
        assertTrue((GgufWriter.toBf16(Float.NaN) & 0x7FFF) > 0x7F80, "NaN stays NaN");
        assertEquals((short) 0x7F80, GgufWriter.toBf16(Float.POSITIVE_INFINITY));
    }

    @Test
    void largeTensorsStreamWithoutHeap() throws IOException {
        // 48 MiB of F16 written element by element: more than the writer's buffer many times over
        Path file = dir.resolve("big.gguf");
        long n = 24L << 20;
        new GgufWriter().addTensor("big", GgufType.F16, new long[] {4096, n / 4096}, s -> {
            for (long i = 0; i < n; i++) s.putFloat((i & 1023) / 1024f);
        }).write(file);
        try (GgufFile g = GgufFile.open(file)) {
            MemorySegment data = g.tensorData(g.tensors().getFirst());
            assertEquals(2 * n, data.byteSize());
            assertEquals(1023 / 1024f, Float.float16ToFloat(data.getAtIndex(LE_SHORT, n - 1)));
        }
    }

    @Test
    void writerRefusesWhatTheReaderWould() {
        GgufWriter w = new GgufWriter().put("a", GgufValue.bool(true));
        assertThrows(IllegalArgumentException.class, () -> w.put("a", GgufValue.bool(false)));
        assertThrows(IllegalArgumentException.class, () -> w.put("", GgufValue.bool(false)));
        assertThrows(IllegalArgumentException.class, () -> w.put("general.alignment", GgufValue.uint32(48)));
        assertThrows(IllegalArgumentException.class, () -> w.put("general.alignment", GgufValue.int32(32)));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.uint8(256));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.array(GgufValueType.INT16, 40000));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.array(GgufValueType.STRING, 1));
        GgufWriter.TensorData none = s -> { };
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x".repeat(64), GgufType.F32, new long[] {1}, none));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", GgufType.Q4_0, new long[] {16}, none));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("z", GgufType.F32, new long[] {4, 0}, none));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("d", GgufType.F32, new long[] {1, 1, 1, 1, 1}, none));
        w.addTensor("ok", GgufType.F32, new long[] {2}, none);
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("ok", GgufType.F32, new long[] {2}, none));
    }

    @Test
    void wrongAmountsOfDataFailAndLeaveNoFile() throws IOException {
        Path file = dir.resolve("short.gguf");
        GgufWriter tooFew = new GgufWriter().addTensor("a", GgufType.F32, new long[] {4}, s -> s.putFloat(1f));
        assertThrows(IllegalStateException.class, () -> tooFew.write(file));
        assertFalse(Files.exists(file));
        GgufWriter tooMany = new GgufWriter().addTensor("a", GgufType.F16, new long[] {1}, s -> {
            s.putFloat(1f);
            s.putFloat(2f);
        });
        assertThrows(IllegalStateException.class, () -> tooMany.write(file));
        GgufWriter floatsIntoQuant = new GgufWriter().addTensor("q", GgufType.Q8_0, new long[] {32}, s -> s.putFloat(1f));
        assertThrows(IllegalStateException.class, () -> floatsIntoQuant.write(file));
        assertFalse(Files.exists(file));
    }

    @Test
    void valueAccessorsCheckTypes() {
        assertThrows(IllegalStateException.class, () -> GgufValue.string("x").asLong());
        assertThrows(IllegalStateException.class, () -> GgufValue.int32Array(1).asLong());
        assertThrows(IllegalStateException.class, () -> GgufValue.uint64(-1).asInt());
        assertEquals(0xFFFF_FFFFL, GgufValue.array(GgufValueType.UINT32, 0xFFFF_FFFFL).getLong(0));
        assertEquals(1, GgufValue.bool(true).size());
        assertArrayEquals(new long[] {1, 2}, GgufValue.array(GgufValueType.UINT16, 1, 2).asLongs());
    }

    private static byte[] pattern(GgufType t, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (i * 31 + t.id());
        return b;
    }
}
