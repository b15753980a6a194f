package io.github.llamapanama.gguf;

import io.github.llamapanama.internal.NativeRuntime;
import io.github.llamapanama.internal.ffm.LlamaNative;
import io.github.llamapanama.internal.ffm.gguf_init_params;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** What llama.cpp's gguf.cpp sees in a file (gguf_init_from_file, no_alloc), for comparing. */
public record NativeGguf(int version, long alignment, long dataOffset, List<String> keys, List<Integer> types,
                         List<Integer> arrayTypes, List<Long> arrayLengths, List<String> strings,
                         List<String> tensorNames, List<Integer> tensorTypes, List<Long> tensorOffsets) {

    /** The native view, or null if gguf.cpp refuses the file. Only for files it can read safely. */
    public static NativeGguf read(Path file) {
        NativeRuntime.ensureInitialized();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = gguf_init_params.allocate(arena);
            gguf_init_params.no_alloc(params, true);
            gguf_init_params.ctx(params, MemorySegment.NULL);
            MemorySegment ctx = LlamaNative.gguf_init_from_file(arena.allocateFrom(file.toString()), params);
            if (ctx.equals(MemorySegment.NULL)) {
                return null;
            }
            try {
                return view(ctx);
            } finally {
                LlamaNative.gguf_free(ctx);
            }
        }
    }

    private static NativeGguf view(MemorySegment ctx) {
        List<String> keys = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        List<Integer> arrayTypes = new ArrayList<>();
        List<Long> arrayLengths = new ArrayList<>();
        List<String> strings = new ArrayList<>();
        int arrayId = GgufValueType.ARRAY.id();
        int stringId = GgufValueType.STRING.id();
        for (long i = 0; i < LlamaNative.gguf_get_n_kv(ctx); i++) {
            keys.add(cString(LlamaNative.gguf_get_key(ctx, i)));
            int type = LlamaNative.gguf_get_kv_type(ctx, i);
            types.add(type);
            arrayTypes.add(type == arrayId ? LlamaNative.gguf_get_arr_type(ctx, i) : -1);
            arrayLengths.add(type == arrayId ? LlamaNative.gguf_get_arr_n(ctx, i) : -1);
            strings.add(type == stringId ? cString(LlamaNative.gguf_get_val_str(ctx, i)) : null);
        }
        List<String> names = new ArrayList<>();
        List<Integer> tensorTypes = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        for (long i = 0; i < LlamaNative.gguf_get_n_tensors(ctx); i++) {
            names.add(cString(LlamaNative.gguf_get_tensor_name(ctx, i)));
            tensorTypes.add(LlamaNative.gguf_get_tensor_type(ctx, i));
            offsets.add(LlamaNative.gguf_get_tensor_offset(ctx, i));
        }
        return new NativeGguf(LlamaNative.gguf_get_version(ctx), LlamaNative.gguf_get_alignment(ctx),
                LlamaNative.gguf_get_data_offset(ctx), keys, types, arrayTypes, arrayLengths, strings,
                names, tensorTypes, offsets);
    }

    @SuppressWarnings("restricted") // reads C strings
    private static String cString(MemorySegment p) {
        return p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** Asserts that the reader and gguf.cpp see the same file. */
    public static void assertAgrees(GgufFile file) {
        NativeGguf n = read(file.path());
        assertNotNull(n, "gguf.cpp refused " + file.path());
        assertEquals(n.version, file.version());
        assertEquals(n.alignment, file.alignment());
        assertEquals(n.dataOffset, file.dataOffset());
        assertEquals(n.keys, List.copyOf(file.metadata().keySet()));
        int i = 0;
        for (GgufValue v : file.metadata().values()) {
            String key = n.keys.get(i);
            assertEquals((int) n.types.get(i), v.type().id(), key);
            if (v.isArray()) {
                assertEquals((int) n.arrayTypes.get(i), v.elementType().id(), key);
                assertEquals((long) n.arrayLengths.get(i), v.size(), key);
            } else if (v.type() == GgufValueType.STRING) {
                assertEquals(n.strings.get(i), v.asString().split("\0", -1)[0], key); // C string
            }
            i++;
        }
        List<GgufTensorInfo> tensors = file.tensors();
        assertEquals(n.tensorNames.size(), tensors.size());
        for (int t = 0; t < tensors.size(); t++) {
            GgufTensorInfo info = tensors.get(t);
            assertEquals(n.tensorNames.get(t), info.name());
            assertEquals((int) n.tensorTypes.get(t), info.type().id(), info.name());
            assertEquals((long) n.tensorOffsets.get(t), info.offset(), info.name());
        }
    }
}
