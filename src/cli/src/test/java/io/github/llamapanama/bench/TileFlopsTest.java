package io.github.llamapanama.bench;

import io.github.llamapanama.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TileFlopsTest {

    /**
     * InternVL3-1B's InternViT-300M, as the vision issue counts it: 1,025 tokens, 24 layers of QKV
     * 6.45, output 2.15, MLP 17.2 and attention 4.3 GFLOP, plus the patch embedding (1,024 patches
     * of 3x14x14) and the projector's two matrices for 256 tokens (4,096 x 896 and 896 x 896).
     */
    @Test
    void countsTheInternVl3OneBTile() {
        TileFlops f = TileFlops.of(Fixtures.internVl3ShapeMmproj(), 256).orElseThrow();
        double t = 1025;
        double e = 1024;
        assertEquals(24 * (2 * t * e * e * 4 + 2 * t * e * 4096 * 2) + 2.0 * 1024 * 588 * 1024, f.linear(), 1);
        assertEquals(24 * 4 * t * t * e, f.attention(), 1);
        assertEquals(2.0 * 256 * 4096 * 896 + 2.0 * 256 * 896 * 896, f.projector(), 1);
        assertEquals(726, f.total() / 1e9, 1);
        assertEquals(72.6, f.gflops(10_000), 0.1, "726 GFLOP in 10 s");
    }

    @Test
    void aFileThatIsNoVisionProjectorHasNoCount() {
        assertTrue(TileFlops.of(Fixtures.tinyQwen2(), 256).isEmpty());
        assertTrue(TileFlops.of(Path.of("no-such-file.gguf"), 256).isEmpty());
    }
}
