package io.github.llamapanama.vision.tiling;

/**
 * A grid of square tiles: the image is resized to {@code columns * size} by {@code rows * size}
 * and cut into {@code columns * rows} tiles.
 *
 * @param columns tiles across, at least 1
 * @param rows    tiles down, at least 1
 */
public record TileGrid(int columns, int rows) {
    public TileGrid {
        if (columns < 1 || rows < 1) {
            throw new IllegalArgumentException("a tile grid needs at least one column and one row, got "
                    + columns + "x" + rows);
        }
    }

    /** Number of tiles, {@code columns * rows}. */
    public int tiles() {
        return Math.multiplyExact(columns, rows);
    }

    @Override
    public String toString() {
        return columns + "x" + rows;
    }
}
