package io.github.llamapanama.vision.tiling;

/**
 * A crop rectangle in PIL's box convention: left and top inclusive, right and bottom exclusive.
 */
public record CropBox(int left, int top, int right, int bottom) {
    public CropBox {
        if (left < 0 || top < 0 || right <= left || bottom <= top) {
            throw new IllegalArgumentException("empty or negative crop box (" + left + ", " + top + ", "
                    + right + ", " + bottom + ")");
        }
    }

    public int width() {
        return right - left;
    }

    public int height() {
        return bottom - top;
    }
}
