package io.github.llamapanama.vision;

import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufTensorInfo;
import io.github.llamapanama.gguf.GgufType;
import io.github.llamapanama.gguf.GgufValue;
import io.github.llamapanama.gguf.GgufValueType;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What clip.cpp (ea1431b0) builds its vision graph from, checked in Java before mtmd sees the
 * file. clip.cpp loads most tensors as optional and asserts on shapes only while it builds the
 * graph (at load, for its warm-up), so a missing or misshapen tensor ends the process
 * ({@code ggml_conv_2d} on a null patch embedding, {@code ggml_reshape} on a wrong width).
 *
 * <p>Checked for every vision projector: the hyperparameters the graph divides by and sizes from
 * (embedding width, heads, layers, FFN width, image and patch size), the normalisation arrays, the
 * patch embedding, and in each layer the attention (q, k, v, out: E x E) and FFN (up E x F, down
 * F x E) matrices with their biases and norms, each of a type the graph accepts. Checked in full
 * for InternVL: class and position embeddings, the pixel-shuffle scale factor and the projector
 * MLP. Other projector types' own projector tensors (LLaVA MLP, MiniCPM-V resampler, Qwen2-VL
 * merger, ...) and audio encoders are left to clip.cpp: a gap, listed in the README.
 */
final class ProjectorCheck {
    /** Element types ggml_mul_mat takes as weights on the CPU: floats and block-quantized ones. */
    private static final Set<GgufType> NOT_MATRIX = EnumSet.noneOf(GgufType.class);
    static final int MAX_IMAGE_SIZE = 8192;
    static final int MAX_LAYERS = 512;

    static {
        for (GgufType t : GgufType.values()) {
            if (t.name().startsWith("I") && !t.name().startsWith("IQ") || t == GgufType.F64 || t == GgufType.Q8_1
                    || t == GgufType.Q8_K) {
                NOT_MATRIX.add(t); // I8, I16, I32, I64, F64, and the dot products' activation types
            }
        }
    }

    private final GgufFile gguf;
    private final String file;

    private ProjectorCheck(GgufFile gguf) {
        this.gguf = gguf;
        this.file = gguf.path().getFileName().toString();
    }

    /** Throws a {@link VisionException} naming the first key or tensor that does not hold up. */
    static void check(GgufFile gguf, int modelEmbd) {
        new ProjectorCheck(gguf).check(modelEmbd);
    }

    private void check(int modelEmbd) {
        epsilon("clip.audio.attention.layer_norm_epsilon");
        boolean vision = flag("clip.has_vision_encoder");
        if (!vision) {
            return; // audio-only or empty projectors: left to clip.cpp
        }
        long e = u32("clip.vision.embedding_length", 1, 1 << 16);
        long heads = u32("clip.vision.attention.head_count", 1, e);
        if (e % heads != 0) {
            throw key("clip.vision.attention.head_count", "is " + heads + ", which does not divide the embedding length "
                    + e);
        }
        long ff = u32("clip.vision.feed_forward_length", 1, 1 << 20);
        long layers = u32("clip.vision.block_count", 1, MAX_LAYERS);
        long imageSize = u32("clip.vision.image_size", 1, MAX_IMAGE_SIZE);
        long patch = u32("clip.vision.patch_size", 1, imageSize);
        if (imageSize % patch != 0) {
            throw key("clip.vision.patch_size", "is " + patch + ", which does not divide the image size " + imageSize);
        }
        for (String k : new String[] {"clip.vision.image_mean", "clip.vision.image_std"}) {
            GgufValue v = gguf.value(k).orElseThrow(() -> key(k, "is missing (clip.cpp asserts on it)"));
            if (!v.isArray() || v.elementType() != GgufValueType.FLOAT32 || v.size() < 3) {
                throw key(k, "must be an array of 3 FLOAT32");
            }
        }
        epsilon("clip.vision.attention.layer_norm_epsilon");
        String type = gguf.cString("clip.projector_type").orElse(""); // clip.cpp's get_string: up to a NUL

        if (!Set.of("qwen2vl_merger", "qwen2.5vl_merger", "qwen2.5o", "llama4").contains(type)) {
            GgufTensorInfo p = require("v.patch_embd.weight");
            shape(p, patch, patch, 3, e);
            types(p, EnumSet.of(GgufType.F16, GgufType.F32));
        }
        vector("v.patch_embd.bias", e, false);
        vector("v.pre_ln.weight", e, false);
        vector("v.pre_ln.bias", e, false);
        vector("v.post_ln.weight", e, false);
        vector("v.post_ln.bias", e, false);
        for (int il = 0; il < layers; il++) {
            String b = "v.blk." + il + ".";
            for (String m : new String[] {"attn_q", "attn_k", "attn_v", "attn_out"}) {
                matrix(b + m + ".weight", e, e, true);
                vector(b + m + ".bias", e, false);
            }
            for (String n : new String[] {"attn_q_norm", "attn_k_norm", "ln1", "ln2", "ls1", "ls2"}) {
                vector(b + n + ".weight", e, false);
            }
            vector(b + "ln1.bias", e, false);
            vector(b + "ln2.bias", e, false);
            matrix(b + "ffn_up.weight", e, ff, true);
            vector(b + "ffn_up.bias", ff, false);
            matrix(b + "ffn_gate.weight", e, ff, false);
            vector(b + "ffn_gate.bias", ff, false);
            matrix(b + "ffn_down.weight", ff, e, true);
            vector(b + "ffn_down.bias", e, false);
        }
        if (type.equals("internvl")) {
            internvl(e, imageSize / patch, modelEmbd);
        } else if (type.isEmpty() || type.equals("mlp")) {
            llava(e, (imageSize / patch) * (imageSize / patch), modelEmbd);
        }
    }

    /**
     * build_llava with clip.cpp's default projector (no clip.projector_type, or "mlp"), whose
     * loader finds every projector tensor optional: learned positions, then the LLaVA MLP
     * (mm.0, GELU, mm.2; or Yi's mm.0, norm mm.1, mm.3, norm mm.4). clip_n_mmproj_embd reads
     * mm.2.weight (mm.3.bias for Yi) without a null check.
     */
    private void llava(long e, long patches, int modelEmbd) {
        Optional<GgufTensorInfo> cls = gguf.tensor("v.class_embd");
        if (cls.isPresent()) {
            shape(cls.get(), e, 1, 1, 1);
            types(cls.get(), EnumSet.of(GgufType.F32));
        }
        long positions = patches + (cls.isPresent() ? 1 : 0);
        GgufTensorInfo pos = require("v.position_embd.weight");
        long rows = pos.dimensions() > 1 ? pos.dimension(1) : 1;
        long extra = 1;
        for (int d = 2; d < pos.dimensions(); d++) {
            extra *= pos.dimension(d);
        }
        if (extra != 1 || pos.dimension(0) != e || rows < positions) {
            throw tensor(pos, "has shape " + Arrays.toString(pos.shape()) + ", expected [" + e + ", at least "
                    + positions + "] from the hyperparameters");
        }
        types(pos, EnumSet.of(GgufType.F32, GgufType.F16));
        GgufTensorInfo fc1 = matrix("mm.0.weight", e, -1, true);
        long hidden = fc1.dimension(1 % fc1.dimensions());
        vector("mm.0.bias", hidden, true);
        if (gguf.tensor("mm.3.weight").isPresent()) {
            vector("mm.1.weight", hidden, true);
            vector("mm.1.bias", hidden, true);
            matrix("mm.3.weight", hidden, modelEmbd, true);
            vector("mm.3.bias", modelEmbd, true);
            vector("mm.4.weight", modelEmbd, true);
            vector("mm.4.bias", modelEmbd, true);
        } else {
            matrix("mm.2.weight", hidden, modelEmbd, true);
            vector("mm.2.bias", modelEmbd, true);
        }
    }

    /** A norm epsilon, when present as a float: finite and not negative (ggml_norm asserts eps >= 0). */
    private void epsilon(String k) {
        gguf.value(k).ifPresent(v -> {
            if (!v.isArray() && v.type().isFloat() && !(v.asDouble() >= 0 && !Double.isInfinite(v.asDouble()))) {
                throw key(k, "is " + v.asDouble() + ", expected a finite value >= 0 (ggml's norms assert on it)");
            }
        });
    }

    /** build_internvl: CLS token, learned positions, pixel shuffle, LayerNorm + 2-layer MLP. */
    private void internvl(long e, long side, int modelEmbd) {
        long scale = u32("clip.vision.projector.scale_factor", 1, side);
        if (side % scale != 0) {
            throw key("clip.vision.projector.scale_factor", "is " + scale + ", which does not divide the "
                    + side + " patches per side");
        }
        GgufTensorInfo cls = require("v.class_embd");
        shape(cls, e, 1, 1, 1);
        types(cls, EnumSet.of(GgufType.F32));
        GgufTensorInfo pos = require("v.position_embd.weight");
        shape(pos, e, side * side + 1, 1, 1);
        // added to the F32 patches as it is (no ggml_get_rows): ggml-cpu's add aborts on F32 + F16
        types(pos, EnumSet.of(GgufType.F32));
        long shuffled = e * scale * scale;
        vector("mm.model.mlp.0.weight", shuffled, true);
        vector("mm.model.mlp.0.bias", shuffled, true);
        GgufTensorInfo fc1 = matrix("mm.model.mlp.1.weight", shuffled, -1, true);
        long hidden = fc1.dimension(1);
        vector("mm.model.mlp.1.bias", hidden, true);
        matrix("mm.model.mlp.3.weight", hidden, modelEmbd, true);
        vector("mm.model.mlp.3.bias", modelEmbd, true);
    }

    // --- helpers -------------------------------------------------------------------------

    private boolean flag(String k) {
        Optional<GgufValue> v = gguf.value(k);
        return v.isPresent() && !v.get().isArray() && v.get().type() == GgufValueType.BOOL && v.get().asBoolean();
    }

    private long u32(String k, long min, long max) {
        GgufValue v = gguf.value(k).orElseThrow(() -> key(k, "is missing"));
        if (v.isArray() || !v.type().isInteger()) {
            throw key(k, "must be an integer");
        }
        long x = v.asLong();
        if (x < min || x > max) {
            throw key(k, "is " + x + ", expected " + min + " to " + max);
        }
        return x;
    }

    private GgufTensorInfo require(String name) {
        return gguf.tensor(name).orElseThrow(() -> new VisionException("projector " + file + ": tensor '" + name
                + "' is missing (clip.cpp's graph uses it)"));
    }

    /** A 1-D F32 tensor of n elements (norm weights, biases, layer scales), if present or required. */
    private void vector(String name, long n, boolean required) {
        Optional<GgufTensorInfo> t = required ? Optional.of(require(name)) : gguf.tensor(name);
        if (t.isPresent()) {
            shape(t.get(), n, 1, 1, 1);
            types(t.get(), EnumSet.of(GgufType.F32));
        }
    }

    /** A weight for ggml_mul_mat: in x out (out -1: any), a float or quantized type. */
    private GgufTensorInfo matrix(String name, long in, long out, boolean required) {
        Optional<GgufTensorInfo> t = required ? Optional.of(require(name)) : gguf.tensor(name);
        if (t.isEmpty()) {
            return null;
        }
        GgufTensorInfo m = t.get();
        shape(m, in, out < 0 ? m.dimension(1 % m.dimensions()) : out, 1, 1);
        if (NOT_MATRIX.contains(m.type())) {
            throw tensor(m, "has type " + m.type().ggmlName() + ", which matrix multiplication does not take");
        }
        return m;
    }

    private void shape(GgufTensorInfo t, long... want) {
        long[] have = {1, 1, 1, 1};
        for (int d = 0; d < t.dimensions(); d++) {
            have[d] = t.dimension(d);
        }
        if (!Arrays.equals(have, want)) {
            throw tensor(t, "has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(trim(want))
                    + " from the hyperparameters");
        }
    }

    private void types(GgufTensorInfo t, Set<GgufType> allowed) {
        if (!allowed.contains(t.type())) {
            throw tensor(t, "has type " + t.type().ggmlName() + ", expected " + allowed);
        }
    }

    private static long[] trim(long[] shape) {
        int n = shape.length;
        while (n > 1 && shape[n - 1] == 1) {
            n--;
        }
        return Arrays.copyOf(shape, n);
    }

    private VisionException key(String k, String why) {
        return new VisionException("projector " + file + ": metadata '" + k + "' " + why);
    }

    private VisionException tensor(GgufTensorInfo t, String why) {
        return new VisionException("projector " + file + ": tensor '" + t.name() + "' " + why);
    }
}
