package io.github.llamapanama.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Broken files are refused with a message, never a crash, an OOM or an unchecked exception. */
class GgufCorruptionTest {
    private static final int U8 = 0, U32 = 4, I32 = 5, F32 = 6, STRING = 8, ARRAY = 9, U64 = 10;

    @TempDir
    Path dir;

    static Stream<Arguments> corpus() {
        return Stream.of(
                // header
                bad("bad magic", g -> g.magic = 0x46554746, "bad magic \"GGUF\"".replace("GGUF", "FGUF")),
                bad("byte-swapped magic", g -> g.magic = Integer.reverseBytes(GgufReader.MAGIC), "bad magic"),
                bad("version 0", g -> g.version = 0, "unsupported GGUF version 0"),
                bad("version 1", g -> g.version = 1, "v1 is no longer supported"),
                bad("version 4", g -> g.version = 4, "unsupported GGUF version 4"),
                bad("big-endian version", g -> g.version = 0x03000000, "big-endian"),
                // counts
                bad("one tensor too many", g -> g.nTensors = 4L, ""),
                bad("2^40 tensors", g -> g.nTensors = 1L << 40, "claims 1099511627776 tensors"),
                bad("negative tensor count", g -> g.nTensors = -1L, "claims 18446744073709551615 tensors"),
                bad("one key too many", g -> g.nKv = 6L, ""),
                bad("one key too few", g -> g.nKv = 4L, "has 6 dimensions"),
                bad("2^40 keys", g -> g.nKv = 1L << 40, "metadata entries"),
                bad("negative key count", g -> g.nKv = -5L, "metadata entries"),
                // strings
                bad("huge key length", g -> g.kvs.set(1, rawKv(r -> r.u64(1L << 62), U32, r -> r.u32(1))), "claims 4611686018427387904 bytes"),
                bad("key length 2^64-1", g -> g.kvs.set(1, rawKv(r -> r.u64(-1), U32, r -> r.u32(1))), "claims 18446744073709551615 bytes"),
                bad("huge string value", g -> g.kv("x", STRING, r -> r.u64(1L << 40)), "the value of 'x' claims 1099511627776 bytes"),
                bad("huge string in an array", g -> g.kv("x", ARRAY, r -> r.u32(STRING).u64(2).str("ok").u64(1L << 50)), "element 1 of 'x' claims"),
                bad("huge tensor name", g -> g.tensors.set(0, new RawGguf.Tensor("a".repeat(200), 1, new long[] {4}, 0, null, 16)), "at most 63"),
                bad("64-byte tensor name", g -> g.tensors.set(0, new RawGguf.Tensor("n".repeat(64), 1, new long[] {4}, 0, null, 16)), "64 bytes long, at most 63"),
                bad("empty key", g -> g.kv("", U8, r -> r.u8(1)), "is empty"),
                bad("empty tensor name", g -> g.tensors.set(0, new RawGguf.Tensor("", 1, new long[] {8}, 0, null, 32)), "empty name"),
                bad("key not UTF-8", g -> g.kvs.set(1, rawKv(r -> r.u64(2).raw(new byte[] {(byte) 0xC3, 0x28}), U32, r -> r.u32(1))), "not valid UTF-8"),
                // arrays
                bad("huge array", g -> g.kv("x", ARRAY, r -> r.u32(U32).u64(1L << 60)), "claims 1152921504606846976 UINT32 elements"),
                bad("array length 2^64-1", g -> g.kv("x", ARRAY, r -> r.u32(U8).u64(-1)), "claims 18446744073709551615 UINT8 elements"),
                bad("huge string array", g -> g.kv("x", ARRAY, r -> r.u32(STRING).u64(1L << 40)), "STRING elements"),
                bad("array of arrays", g -> g.kv("x", ARRAY, r -> r.u32(ARRAY).u64(0)), "array of arrays"),
                bad("array of unknown type", g -> g.kv("x", ARRAY, r -> r.u32(13).u64(0)), "array of unknown value type 13"),
                // types
                bad("unknown value type 13", g -> g.kv("x", 13, r -> r.u32(0)), "'x' has unknown value type 13"),
                bad("negative value type", g -> g.kv("x", -1, r -> r.u32(0)), "unknown value type -1"),
                bad("duplicate key", g -> g.kv("test.u32", U32, r -> r.u32(1)), "duplicate metadata key 'test.u32'"),
                bad("unknown tensor type 39", g -> tensorType(g, 39), "unknown ggml type 39"),
                bad("removed tensor type 4", g -> tensorType(g, 4), "unknown ggml type 4 (removed from ggml)"),
                bad("removed tensor type 31", g -> tensorType(g, 31), "(removed from ggml)"),
                bad("negative tensor type", g -> tensorType(g, -1), "unknown ggml type -1"),
                // alignment
                bad("alignment 0", g -> g.kv("general.alignment", U32, r -> r.u32(0)), "not a power of 2"),
                bad("alignment 48", g -> g.kv("general.alignment", U32, r -> r.u32(48)), "general.alignment 48 is not a power of 2"),
                bad("alignment 2^31", g -> g.kv("general.alignment", U32, r -> r.u32(1 << 31)), "larger than 2^30"),
                bad("alignment as INT32", g -> g.kv("general.alignment", I32, r -> r.u32(32)), "must be a UINT32, not an INT32"),
                bad("alignment as UINT64", g -> g.kv("general.alignment", U64, r -> r.u64(32)), "must be a UINT32"),
                bad("data laid out for a smaller alignment", g -> g.kv("general.alignment", U32, r -> r.u32(64)), "not a multiple of the alignment 64"),
                bad("unaligned offset", g -> tensorOffset(g, 1, 33L), "not a multiple of the alignment 32"),
                // layout
                bad("overlapping tensors", g -> tensorOffset(g, 1, 0L), "overlaps tensor 'a'"),
                bad("gap between tensors", g -> tensorOffset(g, 1, 64L), "leaves a gap after tensor 'a'"),
                bad("offset past EOF", g -> tensorOffset(g, 2, 1L << 40), "has data offset 1099511627776, expected 64"),
                bad("data past EOF", g -> g.tensors.add(new RawGguf.Tensor("d", 1, new long[] {1 << 20}, 0, null, 0)),
                        "tensor 'd' data [" ),
                bad("duplicate tensor", g -> g.tensors.set(1, new RawGguf.Tensor("a", 1, new long[] {8}, 1, null, 16)), "duplicate tensor name 'a'"),
                // shapes
                bad("0 dimensions", g -> g.tensors.set(0, new RawGguf.Tensor("a", 0, new long[0], 0, null, 4)), "has 0 dimensions"),
                bad("5 dimensions", g -> g.tensors.set(0, new RawGguf.Tensor("a", 5, new long[] {1, 1, 1, 1, 1}, 0, null, 4)), "has 5 dimensions"),
                bad("zero dimension", g -> g.tensors.set(0, new RawGguf.Tensor("a", 2, new long[] {8, 0}, 0, null, 0)), "dimension 1 has 0 elements"),
                bad("negative dimension", g -> g.tensors.set(0, new RawGguf.Tensor("a", 2, new long[] {-8, 1}, 0, null, 0)), "dimension 0 has -8 elements"),
                bad("element count overflow", g -> g.tensors.set(0, new RawGguf.Tensor("a", 2, new long[] {1L << 32, 1L << 32}, 0, null, 0)), "more elements than fit"),
                bad("byte size overflow", g -> g.tensors.set(0, new RawGguf.Tensor("a", 1, new long[] {1L << 62}, 0, null, 0)), "larger than 2^63 bytes"),
                bad("row not a multiple of the block", g -> g.tensors.set(2, new RawGguf.Tensor("c", 1, new long[] {16}, GgufType.Q8_0.id(), null, 17)),
                        "16 elements per row, not a multiple of its block size 32"),
                // keys native code reads unchecked
                bad("fewer scores than tokens", g -> g.kv("tokenizer.ggml.tokens", ARRAY, r -> r.u32(STRING).u64(3).str("a").str("b").str("c"))
                        .kv("tokenizer.ggml.scores", ARRAY, r -> r.u32(F32).u64(2).u32(0).u32(0)), "has 2 elements, expected at least 3 (one per token)"),
                bad("token types as UINT32", g -> g.kv("tokenizer.ggml.token_type", ARRAY, r -> r.u32(U32).u64(1).u32(1)),
                        "'tokenizer.ggml.token_type' must be an array of INT32, not an array of 1 UINT32"),
                bad("merges as a string", g -> g.kv("tokenizer.ggml.merges", STRING, r -> r.str("a b")), "must be an array of STRING"),
                bad("clip image size as INT32", g -> g.kv("clip.vision.image_size", I32, r -> r.u32(448)), "'clip.vision.image_size' must be a UINT32"),
                bad("clip block count as UINT64", g -> g.kv("clip.vision.block_count", U64, r -> r.u64(2)), "must be a UINT32"),
                bad("two image means", g -> g.kv("clip.vision.image_mean", ARRAY, r -> r.u32(F32).u64(2).u32(0).u32(0)), "expected at least 3"),
                bad("general.name as a number", g -> g.kv("general.name", U32, r -> r.u32(1)), "'general.name' must be a STRING"));
    }

    private static Arguments bad(String name, Consumer<RawGguf> change, String message) {
        return Arguments.of(name, change, message);
    }

    private static RawGguf.Kv rawKv(Consumer<RawGguf> key, int type, Consumer<RawGguf> value) {
        return new RawGguf.Kv("raw", key, type, value); // key bytes written by hand
    }

    private static void tensorType(RawGguf g, int type) {
        RawGguf.Tensor t = g.tensors.get(1);
        g.tensors.set(1, new RawGguf.Tensor(t.name(), t.nDims(), t.dims(), type, t.offset(), t.dataBytes()));
    }

    private static void tensorOffset(RawGguf g, int index, long offset) {
        RawGguf.Tensor t = g.tensors.get(index);
        g.tensors.set(index, new RawGguf.Tensor(t.name(), t.nDims(), t.dims(), t.type(), offset, t.dataBytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void refused(String name, Consumer<RawGguf> change, String message) throws IOException {
        RawGguf g = RawGguf.valid();
        change.accept(g);
        Path file = write(name, g.bytes());
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(file).close(), name);
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(message), () -> "expected '" + message + "' in: " + e.getMessage());
    }

    @Test
    void theBaseFileIsValidAndLlamaCppAgrees() throws IOException {
        Path file = write("valid", RawGguf.valid().bytes());
        try (GgufFile g = GgufFile.open(file)) {
            assertEquals(3, g.tensors().size());
            assertEquals(List.of("one", "two"), g.value("test.strings").orElseThrow().asStrings());
            NativeGguf.assertAgrees(g);
        }
    }

    @Test
    void truncatedAtEveryByte() throws IOException {
        RawGguf g = RawGguf.valid();
        byte[] full = g.bytes();
        for (int length = 0; length <= full.length; length++) {
            Path file = write("cut", Arrays.copyOf(full, length));
            if (length < g.dataEnd) {
                int at = length;
                GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(file).close(), () -> "cut at " + at);
                assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("past the end")
                        || e.getMessage().contains("are left in the file"), e.getMessage());
            } else {
                // gguf.cpp writes padding after the last tensor but nothing needs it
                assertDoesNotThrow(() -> GgufFile.open(file).close(), "cut at " + length);
            }
        }
    }

    @Test
    void truncatedAtEachSectionBoundaryAsLlamaCppSeesIt() throws IOException {
        RawGguf g = RawGguf.valid();
        byte[] full = g.bytes();
        for (Map.Entry<String, Integer> mark : g.marks.entrySet()) {
            int at = mark.getValue();
            if (at >= g.dataEnd) {
                continue;
            }
            for (int cut : new int[] {at, at + 1}) {
                Path file = write("section", Arrays.copyOf(full, cut));
                GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(file).close(),
                        mark.getKey());
                assertTrue(e.offset() <= cut || e.offset() == -1, e.getMessage());
                if (at < g.marks.get("padding")) {
                    // gguf.cpp reads the header with fread: it refuses these too (data it does not check)
                    assertNull(NativeGguf.read(file), "gguf.cpp accepted a file cut in " + mark.getKey());
                }
            }
        }
    }

    @Test
    void anArrayTheFileCouldHoldButTheHeapShouldNotIsRefused() throws IOException {
        // a sparse 600 MiB file: 550M UINT8 elements fit in it, but not in one metadata value
        RawGguf g = RawGguf.valid().kv("x", ARRAY, r -> r.u32(U8).u64(550L << 20));
        Path file = write("sparse", g.bytes());
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(600L << 20);
        }
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(file).close());
        assertTrue(e.getMessage().contains("more than the 512 MiB this reader allows for one value"), e.getMessage());
    }

    @Test
    void randomDamageIsRefusedOrHarmless() throws IOException {
        byte[] base = RawGguf.valid().bytes();
        int headerEnd = RawGguf.valid().bytes().length;
        SplittableRandom random = new SplittableRandom(42);
        Path file = dir.resolve("fuzz.gguf");
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] b = base.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int at = random.nextInt(Math.min(headerEnd, 256));
                b[at] = switch (random.nextInt(3)) {
                    case 0 -> (byte) (b[at] ^ (1 << random.nextInt(8)));
                    case 1 -> (byte) 0xFF;
                    default -> (byte) random.nextInt(256);
                };
            }
            Files.write(file, b);
            try {
                GgufFile.open(file).close();
            } catch (GgufFormatException expected) {
                refused++;
            } catch (RuntimeException | Error e) {
                fail("damage " + i + " escaped as " + e, e);
            }
        }
        assertTrue(refused > 1000, "most random damage is caught: " + refused);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name.replaceAll("[^A-Za-z0-9]+", "-") + ".gguf");
        Files.write(file, bytes);
        return file;
    }
}
