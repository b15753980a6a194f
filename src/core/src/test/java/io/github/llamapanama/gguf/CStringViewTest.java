package io.github.llamapanama.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strings as llama.cpp reads them (gguf_get_val_str, gguf_get_arr_str: C strings, up to the first
 * NUL), and keys and tensor names holding a NUL, which llama.cpp would look up by their first part.
 */
class CStringViewTest {
    @TempDir
    Path dir;

    private Path write(String name, RawGguf g) throws IOException {
        Path f = dir.resolve(name + ".gguf");
        Files.write(f, g.bytes());
        return f;
    }

    @Test
    void stringsAreCutAtTheFirstNulByte() throws IOException {
        RawGguf g = RawGguf.valid();
        g.kvs.set(0, RawGguf.Kv.of("general.architecture", 8, r -> r.str("qwen2\0junk")));
        g.kv("tokenizer.ggml.tokens", 9, r -> r.u32(8).u64(4).str("\u0120I\0\0\0\0").str("\0\0y").str("plain").str(""));
        try (GgufFile f = GgufFile.open(write("cut", g))) {
            // Java's view keeps every byte; llama.cpp's stops at the NUL
            assertEquals("qwen2\0junk", f.string("general.architecture").orElseThrow());
            assertEquals("qwen2", f.cString("general.architecture").orElseThrow());
            assertEquals("qwen2", f.architecture().orElseThrow());
            assertEquals("\u0120I\0\0\0\0", f.value("tokenizer.ggml.tokens").orElseThrow().getString(0));
            List<String> read = f.cStringBytes("tokenizer.ggml.tokens").orElseThrow();
            assertEquals(List.of(CStrings.latin1("\u0120I".getBytes(StandardCharsets.UTF_8)), "", "plain", ""), read);
            assertTrue(f.cStringBytes("general.architecture").isEmpty(), "not an array");
            assertTrue(f.cStringBytes("test.array").isEmpty(), "not strings");
            assertTrue(f.cString("test.u32").isEmpty(), "not a string");
        }
    }

    @Test
    void malformedUtf8IsComparedByItsBytes() throws IOException {
        // both decode to U+FFFD in Java, but llama.cpp compares bytes: they are different tokens
        RawGguf g = RawGguf.valid();
        g.kv("tokenizer.ggml.tokens", 9, r -> r.u32(8).u64(3).u64(1).raw(new byte[] {(byte) 0xFF}).u64(1)
                .raw(new byte[] {(byte) 0xFE}).u64(3).raw(new byte[] {(byte) 0xC3, 0, (byte) 0xA9}));
        try (GgufFile f = GgufFile.open(write("bytes", g))) {
            List<String> java = f.value("tokenizer.ggml.tokens").orElseThrow().asStrings();
            assertEquals(java.get(0), java.get(1));
            List<String> read = f.cStringBytes("tokenizer.ggml.tokens").orElseThrow();
            assertNotEquals(read.get(0), read.get(1));
            assertEquals("\\xff", CStrings.printableBytes(read.get(0), 40));
            assertEquals("\\xc3", CStrings.printableBytes(read.get(2), 40));
            assertEquals("\u0120a\\x00\\\\", CStrings.printableBytes(CStrings.latin1(
                    "\u0120a\0\\".getBytes(StandardCharsets.UTF_8)), 40));
        }
    }

    @Test
    void keysAndTensorNamesWithANulAreRefused() throws IOException {
        RawGguf key = RawGguf.valid();
        key.kv("test.u32\0x", 4, r -> r.u32(100000));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(write("key", key)).close());
        assertTrue(e.getMessage().contains("holds a NUL byte: llama.cpp would read it as 'test.u32'"), e.getMessage());

        RawGguf name = RawGguf.valid();
        RawGguf.Tensor a = name.tensors.get(0);
        name.tensors.set(0, new RawGguf.Tensor("b\0a", a.nDims(), a.dims(), a.type(), a.offset(), a.dataBytes()));
        e = assertThrows(GgufFormatException.class, () -> GgufFile.open(write("name", name)).close());
        assertTrue(e.getMessage().contains("holds a NUL byte: llama.cpp would read it as 'b'"), e.getMessage());

        // and the writer does not write them
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter().put("a\0b", GgufValue.uint32(1)));
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter().addTensor("t\0", GgufType.F32,
                new long[] {1}, s -> s.putFloat(0)));
    }
}
