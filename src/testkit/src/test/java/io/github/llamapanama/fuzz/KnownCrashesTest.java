package io.github.llamapanama.fuzz;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.InvalidVocabularyException;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.ModelLoadException;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.VisionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files that aborted the JVM inside llama.cpp or clip.cpp (found by hand and by the fuzzer) are
 * refused in Java with a message that names the key or tensor.
 */
class KnownCrashesTest {
    @TempDir
    static Path tmp;
    private static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(Fixtures.tinyQwen2());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Path edited(Path base, String name, Consumer<GgufLayout> edit) throws Exception {
        GgufLayout l = GgufLayout.parse(Files.readAllBytes(base));
        edit.accept(l);
        Path f = tmp.resolve(name + ".gguf");
        Files.write(f, l.write(GgufMutator.MAX_DATA));
        return f;
    }

    private static void setU32(GgufLayout l, String key, long v) {
        GgufLayout.Kv kv = l.kv(key);
        ByteBuffer.wrap(kv.raw).order(ByteOrder.LITTLE_ENDIAN).putInt(kv.valueAt, (int) v);
    }

    private static void setF32(GgufLayout l, String key, float v) {
        GgufLayout.Kv kv = l.kv(key);
        ByteBuffer.wrap(kv.raw).order(ByteOrder.LITTLE_ENDIAN).putFloat(kv.valueAt, v);
    }

    private static GgufLayout.Tensor tensor(GgufLayout l, String name) {
        return l.tensors.stream().filter(t -> t.name.equals(name)).findFirst().orElseThrow();
    }

    private static void refusedModel(Path f, String... words) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Model.load(f).close());
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), e.getMessage());
        }
    }

    private static void refusedProjector(Path f, String... words) {
        VisionException e = assertThrows(VisionException.class, () -> Projector.load(f, model).close());
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), e.getMessage());
        }
    }

    @Test
    void vocabularyWithTwoTokensOfTheSameText() throws Exception {
        // llama-vocab.cpp:1734 GGML_ASSERT(id_to_token.size() == token_to_id.size())
        refusedModel(edited(Fixtures.tinyQwen2(), "dup-token", l -> {
            GgufLayout.Kv kv = l.kv("tokenizer.ggml.tokens");
            List<byte[]> t = new ArrayList<>(GgufLayout.strings(kv));
            t.set(40, t.get(41));
            GgufLayout.setStrings(kv, t);
        }), "tokenizer.ggml.tokens", "40", "41", "same text");
        // an empty token is renamed [EMPTY_i]: a token that already has that text collides
        refusedModel(edited(Fixtures.tinyQwen2(), "empty-token", l -> {
            GgufLayout.Kv kv = l.kv("tokenizer.ggml.tokens");
            List<byte[]> t = new ArrayList<>(GgufLayout.strings(kv));
            t.set(40, new byte[0]);
            t.set(41, "[EMPTY_40]".getBytes(StandardCharsets.UTF_8));
            GgufLayout.setStrings(kv, t);
        }), "same text");
    }

    private static Path tokens(String name, Consumer<List<byte[]>> edit) throws Exception {
        return edited(Fixtures.tinyQwen2(), name, l -> {
            GgufLayout.Kv kv = l.kv("tokenizer.ggml.tokens");
            List<byte[]> t = new ArrayList<>(GgufLayout.strings(kv));
            edit.accept(t);
            GgufLayout.setStrings(kv, t);
        });
    }

    private static byte[] concat(byte[] a, String b) {
        byte[] tail = b.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(a, a.length + tail.length);
        System.arraycopy(tail, 0, out, a.length, tail.length);
        return out;
    }

    /**
     * Issue #25, 5 of 2,000 mutated models: llama.cpp reads token texts with gguf_get_arr_str, a C
     * string, so a text with a NUL is cut there; cut, it may be another token's text and
     * llama-vocab.cpp:1734 GGML_ASSERT(id_to_token.size() == token_to_id.size()) aborts.
     */
    @Test
    void tokenTextsAreReadUpToTheirFirstNul() throws Exception {
        // "\xc4\xa0I\0\0\0\0" (a fuzz find's shape): token 41's text, then NULs, at 40
        InvalidVocabularyException e = assertThrows(InvalidVocabularyException.class, () -> Model.load(tokens("nul-collide",
                t -> t.set(40, concat(t.get(41), "\0\0\0\0")))).close());
        assertEquals("tokenizer.ggml.tokens", e.key());
        assertEquals(41, e.index().orElseThrow());
        for (String w : List.of("tokens 40 and 41", "same text", "up to the first NUL byte")) {
            assertTrue(e.getMessage().contains(w), e.getMessage());
        }
        // a text that starts with NUL is empty to llama.cpp, renamed [EMPTY_40]: it collides with that text
        refusedModel(tokens("nul-first", t -> {
            t.set(40, "\0\0\0\0y".getBytes(StandardCharsets.UTF_8));
            t.set(41, "[EMPTY_40]".getBytes(StandardCharsets.UTF_8));
        }), "tokenizer.ggml.tokens", "tokens 40 and 41", "same text '[EMPTY_40]'");
        // a NUL that makes no collision is what llama.cpp loads: so does the binding
        Model.load(tokens("nul-alone", t -> t.set(40, concat(t.get(40), "\0\0zz")))).close();
    }

    /**
     * Not an abort (tried: llama.cpp loads such a file and drops the merge, so it tokenizes
     * differently), but a merge that llama.cpp reads as something else than the file holds: it
     * is refused as every merge that is not two tokens is, and one whose NUL follows the pair is
     * read as that pair and loads.
     */
    @Test
    void mergesAreReadUpToTheirFirstNul() throws Exception {
        // merge 3 becomes its first token, a NUL, then the rest: llama.cpp reads one token, no pair
        refusedModel(edited(Fixtures.tinyQwen2(), "merge-nul", l -> {
            GgufLayout.Kv kv = l.kv("tokenizer.ggml.merges");
            List<byte[]> m = new ArrayList<>(GgufLayout.strings(kv));
            String merge = new String(m.get(3), StandardCharsets.UTF_8);
            m.set(3, (merge.substring(0, merge.indexOf(' ')) + "\0" + merge.substring(merge.indexOf(' '))).getBytes(
                    StandardCharsets.UTF_8));
            GgufLayout.setStrings(kv, m);
        }), "tokenizer.ggml.merges", "merge 3", "not two tokens separated by a space", "up to the first NUL byte");
        // a NUL after the pair leaves the pair llama.cpp reads: loaded
        Model.load(edited(Fixtures.tinyQwen2(), "merge-tail", l -> {
            GgufLayout.Kv kv = l.kv("tokenizer.ggml.merges");
            List<byte[]> m = new ArrayList<>(GgufLayout.strings(kv));
            m.set(3, concat(m.get(3), "\0junk"));
            GgufLayout.setStrings(kv, m);
        })).close();
    }

    /**
     * clip.cpp reads clip.projector_type up to a NUL: "internvl\0x" is InternVL to it, so it must
     * be checked as InternVL (here the position table that projectorTensorsTheGraphNeeds pins).
     */
    @Test
    void theProjectorTypeIsReadUpToItsFirstNul() throws Exception {
        refusedProjector(edited(Fixtures.tinyInternVlMmproj(), "type-nul", l -> {
            GgufLayout.setString(l.kv("clip.projector_type"), "internvl\0x".getBytes(StandardCharsets.UTF_8));
            GgufLayout.Tensor t = tensor(l, "v.position_embd.weight");
            t.shape = t.shape.clone();
            t.shape[1] -= 1;
        }), "v.position_embd.weight", "shape");
    }

    @Test
    void vocabularyTypesSpecialIdsAndMerges() throws Exception {
        refusedModel(edited(Fixtures.tinyQwen2(), "token-type", l -> {
            GgufLayout.Kv kv = l.kv("tokenizer.ggml.token_type");
            ByteBuffer.wrap(kv.raw).order(ByteOrder.LITTLE_ENDIAN).putInt(kv.valueAt + 8 + 4 * 5, 100);
        }), "token_type", "token 5");
        refusedModel(edited(Fixtures.tinyQwen2(), "eos", l -> setU32(l, "tokenizer.ggml.eos_token_id", 1 << 20)),
                "tokenizer.ggml.eos_token_id", "outside the vocabulary");
        refusedModel(edited(Fixtures.tinyQwen2(), "merge", l -> {
            GgufLayout.Kv kv = l.kv("tokenizer.ggml.merges");
            List<byte[]> m = new ArrayList<>(GgufLayout.strings(kv));
            m.set(3, "qqqzz xxyy".getBytes(StandardCharsets.UTF_8));
            GgufLayout.setStrings(kv, m);
        }), "tokenizer.ggml.merges", "merge 3", "not a token");
    }

    @Test
    void hyperparametersAndTensorTypesTheCpuBackendAbortsOn() throws Exception {
        // llama-hparams.cpp:26 GGML_ABORT in n_head(il) with no layers
        refusedModel(edited(Fixtures.tinyQwen2(), "layers", l -> setU32(l, "qwen2.block_count", 0)), "qwen2.block_count");
        refusedModel(edited(Fixtures.tinyQwen2(), "heads", l -> setU32(l, "qwen2.attention.head_count_kv", 3)),
                "head_count_kv");
        // binary-ops.cpp:139 binary_op: unsupported types (a bias that is not F32)
        refusedModel(edited(Fixtures.tinyQwen2(), "bias-type", l -> tensor(l, "blk.0.attn_k.bias").type = 2),
                "blk.0.attn_k.bias", "F32");
        refusedModel(edited(Fixtures.tinyQwen2(), "weight-type", l -> tensor(l, "blk.0.attn_q.weight").type = 9),
                "blk.0.attn_q.weight", "q8_1");
    }

    /**
     * Found by a fresh fuzz seed (801499460817, projector case 27): InternVL adds its position
     * table to the F32 patches as stored, and ggml-cpu's binary_op aborts on F32 + F16.
     */
    @Test
    void anInternVlPositionTableThatIsNotF32() throws Exception {
        refusedProjector(edited(Fixtures.tinyInternVlMmproj(), "position-f16",
                l -> tensor(l, "v.position_embd.weight").type = 1), "v.position_embd.weight", "F32");
    }

    /** Found by the 10,000-case fuzz run (50 crashes, all of these kinds). */
    @Test
    void normEpsilonsAndLookupTablesTheGraphAssertsOn() throws Exception {
        // ops.cpp:3288 GGML_ASSERT(eps >= 0.0f) in rms_norm, at the first decode
        for (float eps : new float[] {Float.NaN, -1f}) {
            refusedModel(edited(Fixtures.tinyQwen2(), "rms-eps", l -> setF32(l, "qwen2.attention.layer_norm_rms_epsilon", eps)),
                    "qwen2.attention.layer_norm_rms_epsilon", "finite value >= 0");
            // ops.cpp:3217 GGML_ASSERT(eps >= 0.0f) in norm, at the first image
            refusedProjector(edited(Fixtures.tinyInternVlMmproj(), "clip-eps",
                    l -> setF32(l, "clip.vision.attention.layer_norm_epsilon", eps)),
                    "clip.vision.attention.layer_norm_epsilon", "finite value >= 0");
        }
        // ggml.c GGML_ASSERT(a->ne[2] == b->ne[1]): the loader probes token_embd with ggml_get_rows
        // before it checks its shape
        refusedModel(edited(Fixtures.tinyQwen2(), "embd-3d", l -> {
            GgufLayout.Tensor t = tensor(l, "token_embd.weight");
            t.shape = new long[] {t.shape[0], t.shape[1], 3};
        }), "token_embd.weight", "two-dimensional");
        // Without clip.projector_type clip.cpp builds LLaVA's MLP, whose tensors its loader takes as
        // optional: an InternVL file then decodes through a null mm.0.weight (SIGSEGV)
        refusedProjector(edited(Fixtures.tinyInternVlMmproj(), "no-type", l -> l.kvs.remove(l.kv("clip.projector_type"))),
                "mm.0.weight", "missing");
    }

    @Test
    void projectorTensorsTheGraphNeeds() throws Exception {
        // SIGSEGV in ggml_conv_2d: the patch embedding is optional to the loader, not to the graph
        refusedProjector(edited(Fixtures.tinyInternVlMmproj(), "no-patch", l -> l.tensors.remove(tensor(l, "v.patch_embd.weight"))),
                "v.patch_embd.weight", "missing");
        // ggml.c GGML_ASSERT(ggml_nelements(a) == ne0*ne1*ne2*ne3): a width that does not fit the graph
        refusedProjector(edited(Fixtures.tinyInternVlMmproj(), "pos-shape", l -> {
            GgufLayout.Tensor t = tensor(l, "v.position_embd.weight");
            t.shape = t.shape.clone();
            t.shape[1] -= 1;
        }), "v.position_embd.weight", "shape");
        refusedProjector(edited(Fixtures.tinyInternVlMmproj(), "q-shape", l -> {
            GgufLayout.Tensor t = tensor(l, "v.blk.1.attn_q.weight");
            t.shape = new long[] {t.shape[0], t.shape[1] / 2};
        }), "v.blk.1.attn_q.weight");
        refusedProjector(edited(Fixtures.tinyInternVlMmproj(), "cls-type", l -> tensor(l, "v.class_embd").type = 1),
                "v.class_embd", "type");
        refusedProjector(edited(Fixtures.tinyInternVlMmproj(), "scale", l -> setU32(l, "clip.vision.projector.scale_factor", 0)),
                "clip.vision.projector.scale_factor");
        refusedProjector(edited(Fixtures.tinyInternVlMmproj(), "heads", l -> setU32(l, "clip.vision.attention.head_count", 3)),
                "clip.vision.attention.head_count");
        refusedProjector(edited(Fixtures.tinyInternVlMmproj(), "mean", l -> l.kvs.remove(l.kv("clip.vision.image_mean"))),
                "clip.vision.image_mean");
    }
}
