package io.github.llamapanama.gguf;

import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.ffm.LlamaNative;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java tables against the ggml this project loads. */
class GgufTypeTest {
    @BeforeAll
    static void natives() {
        NativeRuntime.ensureInitialized();
    }

    @SuppressWarnings("restricted") // reads C strings
    @ParameterizedTest
    @EnumSource(GgufType.class)
    void blockAndTypeSizesMatchGgml(GgufType t) {
        assertEquals(LlamaNative.ggml_blck_size(t.id()), t.blockSize());
        assertEquals(LlamaNative.ggml_type_size(t.id()), t.typeSize());
        assertEquals(LlamaNative.ggml_type_name(t.id()).reinterpret(64).getString(0), t.ggmlName());
        assertEquals(t, GgufType.fromGgmlName(t.ggmlName().toUpperCase()).orElseThrow());
    }

    @Test
    void idsWithoutAConstantAreTheOnesGgmlRemoved() {
        for (int id = 0; id < GgufType.COUNT; id++) {
            boolean known = GgufType.fromId(id).isPresent();
            // ggml reports block size 0 for removed types, which gguf.cpp then refuses
            assertEquals(known, LlamaNative.ggml_blck_size(id) != 0, "type " + id);
        }
        assertTrue(GgufType.fromId(GgufType.COUNT).isEmpty());
        assertTrue(GgufType.fromId(-1).isEmpty());
    }

    @SuppressWarnings("restricted") // reads C strings
    @ParameterizedTest
    @EnumSource(GgufValueType.class)
    void valueTypeIdsMatchGguf(GgufValueType t) {
        assertEquals(t, GgufValueType.fromId(t.id()).orElseThrow());
        String expected = switch (t) {
            case UINT8 -> "u8";
            case INT8 -> "i8";
            case UINT16 -> "u16";
            case INT16 -> "i16";
            case UINT32 -> "u32";
            case INT32 -> "i32";
            case FLOAT32 -> "f32";
            case BOOL -> "bool";
            case STRING -> "str";
            case ARRAY -> "arr";
            case UINT64 -> "u64";
            case INT64 -> "i64";
            case FLOAT64 -> "f64";
        };
        assertEquals(expected, LlamaNative.gguf_type_name(t.id()).reinterpret(16).getString(0));
    }

    @Test
    void rowAndTensorSizes() {
        assertEquals(34 * 4, GgufType.Q8_0.rowSize(128));
        assertEquals(144L * 2 * 3, GgufType.Q4_K.byteSize(512, 3));
        assertEquals(2L * 896 * 151674, GgufType.F16.byteSize(896, 151674));
    }
}
