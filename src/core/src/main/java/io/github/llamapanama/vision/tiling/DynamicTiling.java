package io.github.llamapanama.vision.tiling;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * InternVL's dynamic tiling ({@code dynamic_preprocess} from the InternVL3 model card): pick the
 * grid of square tiles whose aspect ratio is closest to the image's, resize the image onto that
 * grid with PIL's bicubic filter, cut it into tiles row by row and, when there is more than one
 * tile, append a thumbnail of the whole image.
 *
 * <p>The model card calls it with {@code minTiles} 1, {@code maxTiles} 12, {@code imageSize} 448
 * and the thumbnail on.
 */
public final class DynamicTiling {
    /** Tile side InternVL3 was trained with. */
    public static final int IMAGE_SIZE = 448;
    /** The model card's {@code max_num}. */
    public static final int MAX_TILES = 12;

    private DynamicTiling() {
    }

    /**
     * The grid {@code dynamic_preprocess} picks for a {@code width} x {@code height} image:
     * {@code find_closest_aspect_ratio} over the candidate grids with {@code minTiles <=
     * columns * rows <= maxTiles}, including its tie rule (a later candidate with the same
     * distance wins when the image's area exceeds half the candidate's pixel area).
     *
     * @throws IllegalArgumentException unless {@code width, height, imageSize >= 1} and
     *                                  {@code 1 <= minTiles <= maxTiles}
     */
    public static TileGrid chooseGrid(int width, int height, int minTiles, int maxTiles, int imageSize) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        checkTiles(minTiles, maxTiles);
        if (imageSize < 1) {
            throw new IllegalArgumentException("imageSize must be at least 1, got " + imageSize);
        }
        // Same double operations as the Python, so the distances and their ties are bit-identical.
        double aspect = (double) width / height;
        long area = (long) width * height;
        double bestDiff = Double.POSITIVE_INFINITY;
        TileGrid best = new TileGrid(1, 1);
        for (TileGrid grid : TargetRatios.of(minTiles, maxTiles)) {
            double diff = Math.abs(aspect - (double) grid.columns() / grid.rows());
            if (diff < bestDiff) {
                bestDiff = diff;
                best = grid;
            } else if (diff == bestDiff
                    && greater(area, 0.5 * imageSize * imageSize * grid.columns() * grid.rows())) {
                best = grid;
            }
        }
        return best;
    }

    /** {@link #chooseGrid(int, int, int, int, int)} with the model card's settings (1..12 tiles of 448). */
    public static TileGrid chooseGrid(int width, int height) {
        return chooseGrid(width, height, 1, MAX_TILES, IMAGE_SIZE);
    }

    /**
     * The tiles' boxes in the resized {@code columns * imageSize} x {@code rows * imageSize}
     * image, row by row, left to right, as {@code dynamic_preprocess} crops them.
     */
    public static List<CropBox> cropBoxes(TileGrid grid, int imageSize) {
        if (imageSize < 1) {
            throw new IllegalArgumentException("imageSize must be at least 1, got " + imageSize);
        }
        Math.multiplyExact(Math.max(grid.columns(), grid.rows()), imageSize); // the resized side must fit an int
        List<CropBox> boxes = new ArrayList<>(grid.tiles());
        for (int i = 0; i < grid.tiles(); i++) {
            int column = i % grid.columns();
            int row = i / grid.columns();
            boxes.add(new CropBox(column * imageSize, row * imageSize,
                    (column + 1) * imageSize, (row + 1) * imageSize));
        }
        return boxes;
    }

    /**
     * {@code dynamic_preprocess(image, minTiles, maxTiles, imageSize, thumbnail)}: the tiles,
     * row-major, each {@code imageSize} square and {@link BufferedImage#TYPE_INT_RGB}, then, if
     * {@code thumbnail} and there is more than one tile, the whole image resized to one tile.
     * Alpha is dropped, as PIL's {@code convert('RGB')} does.
     *
     * @throws IllegalArgumentException as {@link #chooseGrid(int, int, int, int, int)}
     */
    public static List<BufferedImage> tiles(BufferedImage image, int minTiles, int maxTiles, int imageSize,
                                            boolean thumbnail) {
        TileGrid grid = chooseGrid(image.getWidth(), image.getHeight(), minTiles, maxTiles, imageSize);
        List<CropBox> boxes = cropBoxes(grid, imageSize);
        BufferedImage resized = PilResize.bicubic(image, grid.columns() * imageSize, grid.rows() * imageSize);
        List<BufferedImage> tiles = new ArrayList<>(boxes.size() + 1);
        for (CropBox box : boxes) {
            tiles.add(PilResize.crop(resized, box));
        }
        if (thumbnail && boxes.size() != 1) {
            tiles.add(PilResize.bicubic(image, imageSize, imageSize));
        }
        return tiles;
    }

    /** {@link #tiles(BufferedImage, int, int, int, boolean)} as the model card calls it. */
    public static List<BufferedImage> tiles(BufferedImage image) {
        return tiles(image, 1, MAX_TILES, IMAGE_SIZE, true);
    }

    static void checkTiles(int minTiles, int maxTiles) {
        if (minTiles < 1 || maxTiles < minTiles) {
            throw new IllegalArgumentException("need 1 <= minTiles <= maxTiles, got minTiles " + minTiles
                    + " and maxTiles " + maxTiles);
        }
    }

    /**
     * {@code area > threshold} compared exactly, as Python compares an int with a float
     * (a long above 2^53 would round if widened to double).
     */
    static boolean greater(long area, double threshold) {
        // For an integer area, area > t exactly when area > floor(t).
        double floor = Math.floor(threshold);
        return floor < 0x1p63 && area > (long) floor;
    }
}
