package io.github.llamapanama.server;

import io.github.llamapanama.generation.SlotPrompt;
import io.github.llamapanama.model.ContextFullException;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.Chunk;
import io.github.llamapanama.vision.ChunkType;
import io.github.llamapanama.vision.InputChunks;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.tiling.DynamicTiling;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a prompt with images into a {@link SlotPrompt}, on the request's thread: each image (or,
 * with {@code maxTiles > 1}, each of its InternVL tiles and thumbnail) is named by the FNV-1a
 * hash of its pixels, as llama-server does, so that the slot and image caches recognise it;
 * mtmd tokenizes; the media chunks are copied out for the {@link MediaEncoder}. Tiles of one
 * image form one {@code <img>...</img>} block: the wrapper text mtmd puts between them is left out.
 */
final class MediaPrompts {
    private final Projector projector;
    private final MediaEncoder encoder;
    private final int slotContextSize;
    private final int maxTiles;

    MediaPrompts(Projector projector, MediaEncoder encoder, int slotContextSize, int maxTiles) {
        this.projector = projector;
        this.encoder = encoder;
        this.slotContextSize = slotContextSize;
        this.maxTiles = projector.imageSize() > 0 ? maxTiles : 1;
    }

    SlotPrompt build(String text, List<Bitmap> images) {
        List<Bitmap> tiles = new ArrayList<>();
        List<ServerMedia> made = new ArrayList<>();
        try {
            List<Bitmap> flat = images;
            int[] perImage = null;
            if (maxTiles > 1) {
                flat = new ArrayList<>();
                perImage = new int[images.size()];
                StringBuilder expanded = new StringBuilder();
                String marker = projector.mediaMarker();
                int from = 0;
                for (int i = 0; i < images.size(); i++) {
                    Bitmap image = images.get(i);
                    List<Bitmap> these = image.isAudio() ? List.of(image) : tile(image, tiles);
                    perImage[i] = these.size();
                    flat.addAll(these);
                    int at = text.indexOf(marker, from);
                    if (at < 0) {
                        break; // tokenize reports the mismatch
                    }
                    expanded.append(text, from, at).append(marker.repeat(these.size()));
                    from = at + marker.length();
                }
                text = expanded.append(text.substring(from)).toString();
            }
            for (Bitmap b : flat) {
                b.setId(b.contentId());
            }
            SlotPrompt.Builder prompt = SlotPrompt.builder();
            try (InputChunks chunks = projector.tokenize(text, flat, true)) {
                if (chunks.positionCount() >= slotContextSize) {
                    throw new ContextFullException("the prompt with its images needs " + chunks.positionCount()
                            + " positions but a slot holds " + slotContextSize);
                }
                int image = 0;
                int tileInImage = 0;
                boolean betweenTiles = false;
                for (int i = 0, n = chunks.size(); i < n; i++) {
                    Chunk c = chunks.chunk(i);
                    if (c.type() == ChunkType.TEXT) {
                        if (!betweenTiles) { // between two tiles of one image: only mtmd's "</img><img>"
                            prompt.text(c.textTokens());
                        }
                        continue;
                    }
                    ServerMedia m = new ServerMedia(chunks.mediaChunk(i), encoder);
                    made.add(m);
                    prompt.media(m);
                    if (perImage != null) {
                        tileInImage++;
                        betweenTiles = tileInImage < perImage[image];
                        if (!betweenTiles) {
                            image++;
                            tileInImage = 0;
                        }
                    }
                }
            }
            return prompt.build();
        } catch (RuntimeException e) {
            made.forEach(ServerMedia::close);
            throw e;
        } finally {
            tiles.forEach(Bitmap::close);
        }
    }

    /** The image's tiles then its thumbnail (or the image alone when it fits one tile). */
    private List<Bitmap> tile(Bitmap image, List<Bitmap> made) {
        List<BufferedImage> cut = DynamicTiling.tiles(image.toImage(), 1, maxTiles, projector.imageSize(), true);
        if (cut.size() == 1) {
            return List.of(image);
        }
        List<Bitmap> out = new ArrayList<>();
        for (BufferedImage tile : cut) {
            Bitmap b = Bitmap.of(tile);
            made.add(b);
            out.add(b);
        }
        return out;
    }
}
