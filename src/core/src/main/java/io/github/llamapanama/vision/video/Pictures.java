package io.github.llamapanama.vision.video;

import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;
import org.jcodec.scale.ColorUtil;
import org.jcodec.scale.Transform;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * jcodec {@link Picture} to {@link BufferedImage}: AWTUtil does this in jcodec-javase, which is
 * not a dependency. jcodec stores 8-bit samples as signed bytes, value - 128.
 */
final class Pictures {
    private Pictures() {
    }

    static BufferedImage toRgb(Picture picture) {
        Picture rgb = picture;
        if (picture.getColor() != ColorSpace.RGB) {
            Transform transform = ColorUtil.getTransform(picture.getColor(), ColorSpace.RGB);
            if (transform == null) {
                throw new VideoFormatException("unsupported pixel format " + picture.getColor());
            }
            rgb = Picture.create(picture.getWidth(), picture.getHeight(), ColorSpace.RGB);
            transform.transform(picture, rgb);
        }
        // The coded picture is padded to whole macroblocks; the crop is the real frame.
        Rect crop = picture.getCrop();
        int x0 = crop == null ? 0 : crop.getX();
        int y0 = crop == null ? 0 : crop.getY();
        int width = crop == null ? picture.getWidth() : crop.getWidth();
        int height = crop == null ? picture.getHeight() : crop.getHeight();
        byte[] data = rgb.getPlaneData(0);
        int stride = rgb.getWidth() * 3;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < height; y++) {
            int in = (y0 + y) * stride + x0 * 3;
            for (int x = 0; x < width; x++, in += 3) {
                pixels[y * width + x] = (data[in] + 128) << 16 | (data[in + 1] + 128) << 8 | (data[in + 2] + 128);
            }
        }
        return out;
    }
}
