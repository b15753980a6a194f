package io.github.llamapanama.vision.tiling;

import io.github.llamapanama.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DynamicTilingTest {

    /** A line-by-line port of find_closest_aspect_ratio over a given candidate order. */
    private static TileGrid reference(int w, int h, List<TileGrid> candidates, int imageSize) {
        double aspect = (double) w / h;
        double bestDiff = Double.POSITIVE_INFINITY;
        TileGrid best = new TileGrid(1, 1);
        double area = (double) w * h; // exact for the sizes used here
        for (TileGrid r : candidates) {
            double diff = Math.abs(aspect - (double) r.columns() / r.rows());
            if (diff < bestDiff) {
                bestDiff = diff;
                best = r;
            } else if (diff == bestDiff && area > 0.5 * imageSize * imageSize * r.columns() * r.rows()) {
                best = r;
            }
        }
        return best;
    }

    /** CPython's candidate order for max <= 16, from the committed resource. */
    private static Map<String, List<TileGrid>> cpythonOrder() {
        Map<String, List<TileGrid>> orders = new HashMap<>();
        for (String line : TestImages.resourceLines("cpython-grid-order.txt")) {
            String[] f = line.split(" ");
            List<TileGrid> grids = new ArrayList<>();
            for (String g : Arrays.copyOfRange(f, 2, f.length)) {
                String[] cr = g.split("x");
                grids.add(new TileGrid(Integer.parseInt(cr[0]), Integer.parseInt(cr[1])));
            }
            orders.put(f[0] + " " + f[1], grids);
        }
        return orders;
    }

    @Test
    void gridsMatchPythonTable() {
        List<String> cases = TestImages.resourceLines("grid-cases.csv");
        assertTrue(cases.size() > 900);
        for (String line : cases) {
            int[] v = Arrays.stream(line.split(",")).mapToInt(Integer::parseInt).toArray();
            assertEquals(new TileGrid(v[5], v[6]), DynamicTiling.chooseGrid(v[0], v[1], v[2], v[3], v[4]), line);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "640, 488, 4, 3", "1920, 1080, 4, 2", "1080, 1920, 2, 4", "448, 448, 1, 1",
            "1000, 1000, 3, 3", // aspect 1 ties 1x1, 2x2, 3x3: the area rule takes the largest that fits
            "100, 2000, 1, 12", "3000, 500, 6, 1", "1, 1, 1, 1", "1, 1000, 1, 12", "1000, 1, 12, 1",
            "4000, 3000, 4, 3", "896, 448, 2, 1"})
    void modelCardGrids(int w, int h, int columns, int rows) {
        assertEquals(new TileGrid(columns, rows), DynamicTiling.chooseGrid(w, h));
    }

    @Test
    void minTilesAboveOneMakesTheSetOrderVisible() {
        // |1.25 - 0.5| == |1.25 - 2.0|: CPython's set yields (1, 2) first and the area rule does
        // not fire for 5x4, so a landscape image gets a portrait grid; a large one flips it.
        assertEquals(new TileGrid(1, 2), DynamicTiling.chooseGrid(5, 4, 2, 2, 448));
        assertEquals(new TileGrid(2, 1), DynamicTiling.chooseGrid(600, 480, 2, 2, 448));
    }

    @Test
    void bruteForceAgainstPortWithCPythonOrder() {
        Map<String, List<TileGrid>> orders = cpythonOrder();
        String[] settings = {"1 1", "1 2", "1 6", "1 9", "1 12", "2 2", "2 6", "3 12", "4 12", "6 6", "1 16", "5 16"};
        for (String setting : settings) {
            int min = Integer.parseInt(setting.split(" ")[0]);
            int max = Integer.parseInt(setting.split(" ")[1]);
            List<TileGrid> order = orders.get(setting);
            for (int w = 1; w <= 120; w++) {
                for (int h = 1; h <= 120; h++) {
                    for (int scale : new int[] {1, 9, 448}) {
                        int sw = w * scale;
                        int sh = h * scale;
                        assertEquals(reference(sw, sh, order, 448), DynamicTiling.chooseGrid(sw, sh, min, max, 448),
                                () -> sw + "x" + sh + " tiles " + setting);
                    }
                }
            }
        }
    }

    @Test
    void withOneMinimumTileTheWithinCountOrderCannotMatter() {
        // Same-count grids i1/j1 < i2/j2 always have i1/j2 strictly between them with fewer
        // tiles, so they never tie for the best; any order within a count gives the same grid.
        for (int max : new int[] {6, 12, 16}) {
            List<TileGrid> lexicographic = new ArrayList<>(TargetRatios.of(1, max));
            lexicographic.sort((a, b) -> a.tiles() != b.tiles() ? Integer.compare(a.tiles(), b.tiles())
                    : a.columns() != b.columns() ? Integer.compare(a.columns(), b.columns())
                    : Integer.compare(a.rows(), b.rows()));
            List<TileGrid> reversed = new ArrayList<>(lexicographic);
            reversed.sort((a, b) -> a.tiles() != b.tiles() ? Integer.compare(a.tiles(), b.tiles())
                    : Integer.compare(b.columns(), a.columns()));
            for (int w = 1; w <= 100; w++) {
                for (int h = 1; h <= 100; h++) {
                    for (int scale : new int[] {1, 448}) {
                        TileGrid got = DynamicTiling.chooseGrid(w * scale, h * scale, 1, max, 448);
                        assertEquals(reference(w * scale, h * scale, lexicographic, 448), got);
                        assertEquals(reference(w * scale, h * scale, reversed, 448), got);
                    }
                }
            }
        }
    }

    @Test
    void validation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DynamicTiling.chooseGrid(10, 10, 0, 12, 448));
        assertTrue(e.getMessage().contains("1 <= minTiles <= maxTiles"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DynamicTiling.chooseGrid(10, 10, 5, 4, 448));
        assertThrows(IllegalArgumentException.class, () -> DynamicTiling.chooseGrid(0, 10, 1, 12, 448));
        assertThrows(IllegalArgumentException.class, () -> DynamicTiling.chooseGrid(10, -1, 1, 12, 448));
        assertThrows(IllegalArgumentException.class, () -> DynamicTiling.chooseGrid(10, 10, 1, 12, 0));
        assertThrows(IllegalArgumentException.class, () -> new TileGrid(0, 3));
        assertThrows(IllegalArgumentException.class, () -> DynamicTiling.cropBoxes(new TileGrid(2, 2), 0));
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        assertThrows(IllegalArgumentException.class, () -> DynamicTiling.tiles(image, 2, 1, 448, true));
    }

    @Test
    void cropBoxesAreRowMajorAndCoverTheResizedImage() {
        TileGrid grid = new TileGrid(4, 3);
        List<CropBox> boxes = DynamicTiling.cropBoxes(grid, 448);
        assertEquals(12, boxes.size());
        assertEquals(new CropBox(0, 0, 448, 448), boxes.get(0));
        assertEquals(new CropBox(448, 0, 896, 448), boxes.get(1));
        assertEquals(new CropBox(0, 448, 448, 896), boxes.get(4));
        assertEquals(new CropBox(1344, 896, 1792, 1344), boxes.get(11));
        int[][] covered = new int[3 * 448][4 * 448];
        for (CropBox box : boxes) {
            assertEquals(448, box.width());
            assertEquals(448, box.height());
            for (int y = box.top(); y < box.bottom(); y++) {
                for (int x = box.left(); x < box.right(); x++) {
                    covered[y][x]++;
                }
            }
        }
        for (int[] row : covered) {
            for (int c : row) {
                assertEquals(1, c);
            }
        }
    }

    @Test
    void tilesAreCutFromTheResizedImage() {
        BufferedImage image = TestImages.pattern(300, 160);
        TileGrid grid = DynamicTiling.chooseGrid(300, 160, 1, 12, 64);
        List<BufferedImage> tiles = DynamicTiling.tiles(image, 1, 12, 64, false);
        assertEquals(grid.tiles(), tiles.size());
        BufferedImage resized = PilResize.bicubic(image, grid.columns() * 64, grid.rows() * 64);
        List<CropBox> boxes = DynamicTiling.cropBoxes(grid, 64);
        for (int i = 0; i < tiles.size(); i++) {
            BufferedImage tile = tiles.get(i);
            assertEquals(BufferedImage.TYPE_INT_RGB, tile.getType());
            assertEquals(64, tile.getWidth());
            assertEquals(64, tile.getHeight());
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    assertEquals(resized.getRGB(boxes.get(i).left() + x, boxes.get(i).top() + y), tile.getRGB(x, y));
                }
            }
        }
    }

    @Test
    void thumbnailOnlyWithMoreThanOneTile() {
        BufferedImage wide = TestImages.pattern(200, 100);
        assertEquals(2, DynamicTiling.tiles(wide, 1, 12, 448, false).size());
        List<BufferedImage> withThumb = DynamicTiling.tiles(wide, 1, 12, 448, true);
        assertEquals(3, withThumb.size());
        assertEquals(TestImages.crc(PilResize.bicubic(wide, 448, 448)), TestImages.crc(withThumb.get(2)));

        BufferedImage square = TestImages.pattern(100, 100);
        assertEquals(1, DynamicTiling.tiles(square, 1, 12, 448, true).size());
    }

    @Test
    void oneTileMaximumIsTheWholeImageResized() {
        BufferedImage image = TestImages.pattern(700, 500);
        List<BufferedImage> tiles = DynamicTiling.tiles(image, 1, 1, 448, true);
        assertEquals(1, tiles.size());
        assertEquals(TestImages.crc(PilResize.bicubic(image, 448, 448)), TestImages.crc(tiles.get(0)));
    }

    @Test
    void tilesMatchPillow() throws IOException {
        // CRC-32 of every tile from the model card's dynamic_preprocess under Pillow 9.4.
        for (String line : TestImages.resourceLines("pil-tiles-crc.txt")) {
            String[] head = line.substring(0, line.indexOf(':')).split(",");
            List<String> expected = List.of(line.substring(line.indexOf(':') + 1).trim().split(" "));
            BufferedImage image = head[0].equals("pattern")
                    ? TestImages.pattern(Integer.parseInt(head[1]), Integer.parseInt(head[2]))
                    : ImageIO.read(TestData.file(head[0]).toFile());
            assertEquals(Integer.parseInt(head[1]), image.getWidth());
            List<String> got = DynamicTiling.tiles(image, Integer.parseInt(head[3]), Integer.parseInt(head[4]),
                    Integer.parseInt(head[5]), Boolean.parseBoolean(head[6])).stream().map(TestImages::crc).toList();
            assertEquals(expected, got, line);
        }
    }

    @Test
    void modelCardDefaults() throws IOException {
        BufferedImage image = ImageIO.read(TestData.file("test-1.jpeg").toFile());
        List<BufferedImage> tiles = DynamicTiling.tiles(image);
        assertEquals(13, tiles.size()); // 640x488 -> 4x3 tiles + thumbnail
        for (BufferedImage tile : tiles) {
            assertEquals(448, tile.getWidth());
            assertEquals(448, tile.getHeight());
            assertEquals(BufferedImage.TYPE_INT_RGB, tile.getType());
        }
    }
}
