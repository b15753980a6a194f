package io.github.llamapanama.spark;

import io.github.llamapanama.chat.ChatMessage;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.vision.Bitmap;
import io.github.llamapanama.vision.InputChunks;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.VisionChat;
import io.github.llamapanama.vision.VisionException;
import io.github.llamapanama.vision.tiling.DynamicTiling;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates one row's chat prompt with its images into a sequence, as {@code VisionBatch} does
 * (so greedy answers are the same token for token), optionally with InternVL dynamic tiling as
 * {@code VisionChat.maxTiles} does. The shared projector is used by one task at a time.
 */
final class VisionPrompt {
    private VisionPrompt() {}

    /** @return the sequence's next position */
    static int evaluate(ExecutorModels.Loaded loaded, String systemPrompt, Context context, int sequence,
                        String userText, List<Bitmap> images, int maxTiles) {
        Projector projector = loaded.projector;
        String marker = projector.mediaMarker();
        List<Bitmap> tiles = new ArrayList<>();
        try {
            String text = placeMarkers(userText, images.size());
            List<Bitmap> media = images;
            int[] perItem = null;
            if (maxTiles > 1) {
                if (count(text, VisionChat.IMAGE) != images.size()) {
                    throw new VisionException("the prompt has " + count(text, VisionChat.IMAGE)
                            + " <image> placeholder(s) but " + images.size() + " image(s) were given");
                }
                perItem = new int[images.size()];
                StringBuilder expanded = new StringBuilder();
                int from = 0;
                for (int i = 0; i < images.size(); i++) {
                    for (BufferedImage tile : DynamicTiling.tiles(images.get(i).toImage(), 1, maxTiles,
                            projector.imageSize(), true)) {
                        tiles.add(Bitmap.of(tile));
                    }
                    perItem[i] = tiles.size() - (i == 0 ? 0 : sum(perItem, i));
                    int at = text.indexOf(VisionChat.IMAGE, from);
                    expanded.append(text, from, at).append(VisionChat.IMAGE.repeat(perItem[i]));
                    from = at + VisionChat.IMAGE.length();
                }
                text = expanded.append(text.substring(from)).toString();
                media = tiles;
            }
            List<ChatMessage> messages = new ArrayList<>();
            if (systemPrompt != null) {
                messages.add(ChatMessage.system(systemPrompt));
            }
            messages.add(ChatMessage.user(text.replace(VisionChat.IMAGE, marker)));
            String prompt = loaded.template.apply(messages, true);
            try (InputChunks chunks = projector.tokenize(prompt, media, true)) {
                return projector.evaluate(context, chunks, 0, sequence, perItem).position();
            }
        } finally {
            tiles.forEach(Bitmap::close);
        }
    }

    static int count(String text, String marker) {
        int n = 0;
        for (int at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length())) {
            n++;
        }
        return n;
    }

    private static int sum(int[] a, int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i];
        }
        return s;
    }

    /** As the model card's chat(): one placeholder in front of the text for each image, when it has none. */
    static String placeMarkers(String text, int images) {
        if (count(text, VisionChat.IMAGE) == 0 && images > 0) {
            StringBuilder prefix = new StringBuilder();
            for (int i = 1; i <= images; i++) {
                prefix.append(images == 1 ? "" : "Image-" + i + ": ").append(VisionChat.IMAGE).append('\n');
            }
            return prefix + text;
        }
        return text;
    }
}
