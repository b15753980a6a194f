package io.github.llamapanama.bench;

import io.github.llamapanama.gguf.GgufFile;
import io.github.llamapanama.gguf.GgufTensorInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The floating-point work of one tile through a ViT projector, counted from the mmproj file's
 * shapes at 2 FLOP a multiply-add: the encoder's linear layers (QKV, output, MLP, and the patch
 * embedding), its attention products (KQ and KQV), and the projector's own matrices. Norms,
 * softmax and elementwise ops are left out: small in the count, though not in the time.
 *
 * @param linear    the encoder's matrix products with weights, FLOP
 * @param attention the products of attention, FLOP
 * @param projector the projector's matrices after the encoder, FLOP
 */
public record TileFlops(double linear, double attention, double projector) {

    public double total() {
        return linear + attention + projector;
    }

    /** GFLOP/s of an encode that took {@code millis}. */
    public double gflops(double millis) {
        return total() / millis / 1e6;
    }

    /**
     * Counted for {@code mmproj} and a tile of {@code imageTokens} output tokens; empty when the
     * file is not a vision projector with the keys this needs.
     */
    public static Optional<TileFlops> of(Path mmproj, int imageTokens) {
        try (GgufFile g = GgufFile.open(mmproj)) {
            OptionalLong layers = g.integer("clip.vision.block_count");
            OptionalLong width = g.integer("clip.vision.embedding_length");
            OptionalLong ffn = g.integer("clip.vision.feed_forward_length");
            OptionalLong image = g.integer("clip.vision.image_size");
            OptionalLong patch = g.integer("clip.vision.patch_size");
            if (layers.isEmpty() || width.isEmpty() || ffn.isEmpty() || image.isEmpty() || patch.isEmpty()
                    || patch.getAsLong() <= 0) {
                return Optional.empty();
            }
            double side = image.getAsLong() / patch.getAsLong();
            double e = width.getAsLong();
            double f = ffn.getAsLong();
            double p = patch.getAsLong();
            double t = side * side + (g.tensor("v.class_embd").isPresent() ? 1 : 0);
            int ffnMatrices = g.tensor("v.blk.0.ffn_gate.weight").isPresent() ? 3 : 2;
            double perLayer = 2 * t * e * e * 4 + 2 * t * e * f * ffnMatrices;
            double linear = layers.getAsLong() * perLayer + 2 * side * side * 3 * p * p * e;
            double attention = layers.getAsLong() * 2 * 2 * t * t * e;
            double projector = 0;
            for (GgufTensorInfo w : g.tensors()) {
                if (w.name().startsWith("mm.") && w.name().endsWith(".weight") && w.dimensions() == 2
                        && w.dimension(0) > 1 && w.dimension(1) > 1) {
                    projector += 2.0 * imageTokens * w.dimension(0) * w.dimension(1);
                }
            }
            return Optional.of(new TileFlops(linear, attention, projector));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
