package io.github.llamapanama.generation;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one slot's sequence holds in the KV cache, one cell per position: a token, or
 * {@link SlotPrompt#MEDIA} for a position of a media item, whose id and length are kept by its
 * first position (as llama-server's server_tokens does). Media decoded only in part count as
 * their decoded length, so they never match a whole item.
 */
final class SlotHistory {
    private record Media(String id, int positions) {}

    private int[] cells = new int[256];
    private int size;
    private final TreeMap<Integer, Media> media = new TreeMap<>();

    int size() {
        return size;
    }

    void clear() {
        size = 0;
        media.clear();
    }

    /** Keeps the first {@code n} positions. */
    void truncate(int n) {
        if (n >= size) {
            return;
        }
        size = n;
        media.tailMap(n, true).clear();
        Map.Entry<Integer, Media> last = media.lowerEntry(n);
        if (last != null && last.getKey() + last.getValue().positions() > n) { // cut inside media: now partial
            media.put(last.getKey(), new Media(last.getValue().id(), n - last.getKey()));
        }
    }

    void add(int token) {
        grow(1);
        cells[size++] = token;
    }

    void add(int[] tokens, int from, int count) {
        grow(count);
        System.arraycopy(tokens, from, cells, size, count);
        size += count;
    }

    /** Appends {@code count} positions of a media item; continues it if it is the last one. */
    void addMedia(String id, int itemStart, int count) {
        grow(count);
        Media m = media.get(itemStart);
        media.put(itemStart, new Media(id, m == null ? count : m.positions() + count));
        Arrays.fill(cells, size, size + count, SlotPrompt.MEDIA);
        size += count;
    }

    private void grow(int more) {
        if (size + more > cells.length) {
            cells = Arrays.copyOf(cells, Math.max(cells.length * 2, size + more));
        }
    }

    /**
     * Positions at the start of {@code prompt} that this history holds: equal tokens, and media
     * with equal non-null ids and lengths. Never ends inside a media item.
     */
    int commonPrefix(SlotPrompt prompt) {
        int pos = 0;
        for (Object piece : prompt.pieces()) {
            if (piece instanceof int[] tokens) {
                for (int t : tokens) {
                    if (pos >= size || cells[pos] != t) {
                        return pos;
                    }
                    pos++;
                }
            } else {
                PromptMedia m = (PromptMedia) piece;
                Media held = pos < size && cells[pos] == SlotPrompt.MEDIA ? media.get(pos) : null;
                if (held == null || m.id() == null || !Objects.equals(held.id(), m.id())
                        || held.positions() != m.positions()) {
                    return pos;
                }
                pos += m.positions();
            }
        }
        return pos;
    }
}
