package io.github.llamapanama.vision;

import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.generation.GenerationParams;
import io.github.llamapanama.generation.GenerationResult;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.sampling.Sampler;
import io.github.llamapanama.testing.TestData;
import io.github.llamapanama.vision.tiling.DynamicTiling;
import io.github.llamapanama.vision.tiling.TileGrid;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** InternVL dynamic tiling fed through mtmd: one <img> block holding every tile's tokens. */
class VisionTilingTest {

    @Test
    void tilesAndThumbnailBecomeOneImageBlock() {
        GenerationParams p = GenerationParams.maxTokens(6);
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Projector projector = Projector.load(Fixtures.tinyInternVlMmproj(), model);
             Context ctx = model.newContext(ContextParams.builder().contextSize(4096).build());
             Sampler s = Sampler.builder().greedy().build();
             Bitmap image = Bitmap.read(projector, TestData.file("test-1.jpeg"))) {
            assertEquals(448, projector.imageSize());
            TileGrid grid = DynamicTiling.chooseGrid(640, 488, 1, 6, 448);
            int tiles = grid.tiles() + (grid.tiles() > 1 ? 1 : 0);
            assertTrue(tiles > 1, "640x488 with up to 6 tiles is cut: " + grid);

            VisionChat single = new VisionChat(ctx, projector, s, ChatTemplate.of(model));
            single.send("<image>\nDescribe.", List.of(image), p).result();
            int oneTile = single.lastPromptTokens();
            single.reset();

            VisionChat tiled = new VisionChat(ctx, projector, s, ChatTemplate.of(model)).maxTiles(6);
            GenerationResult r = tiled.send("<image>\nDescribe.", List.of(image), p).result();
            assertEquals(oneTile + (tiles - 1) * Fixtures.imageTokens(), tiled.lastPromptTokens(),
                    "the same text (one <img>, one </img>) plus " + tiles + " tiles of image tokens");
            assertTrue(r.tokens().length > 0);
        }
    }

    @Test
    void maxTilesIsValidated() {
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Projector projector = Projector.load(Fixtures.tinyInternVlMmproj(), model);
             Context ctx = model.newContext(ContextParams.builder().contextSize(512).build());
             Sampler s = Sampler.builder().greedy().build()) {
            VisionChat chat = new VisionChat(ctx, projector, s, ChatTemplate.of(model));
            assertThrows(IllegalArgumentException.class, () -> chat.maxTiles(0));
            assertThrows(IllegalArgumentException.class, () -> chat.maxTiles(41));
        }
    }
}
