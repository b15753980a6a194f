package io.github.llamapanama.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Encoded media embeddings kept across requests and slots, least recently used first out, up to
 * a size in bytes (0: off). Keyed by the projector and the media's content id (a hash of its
 * bitmap bytes) and token count, so the same image sent again, to any slot, skips the encoder.
 * A tiled image is one entry per tile. Thread-safe: the encoder thread fills it, the scheduler
 * reads it.
 */
final class ImageEmbeddingCache {
    /** What an entry is keyed by; the projector by identity. */
    record Key(Object projector, String contentId, int tokens) {
        Key {
            Objects.requireNonNull(projector, "projector");
            Objects.requireNonNull(contentId, "contentId");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.projector == projector && k.tokens == tokens && k.contentId.equals(contentId);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(projector) * 31 + contentId.hashCode() * 17 + tokens;
        }
    }

    private final long capacityBytes;
    private final LinkedHashMap<Key, float[]> entries = new LinkedHashMap<>(16, 0.75f, true); // access order
    private long bytes;
    private long hits;
    private long misses;
    private long evictions;

    /** @param capacityBytes most bytes of embeddings kept; 0 keeps none */
    ImageEmbeddingCache(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("capacityBytes must be >= 0, was " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    static long sizeOf(float[] embeddings) {
        return (long) embeddings.length * Float.BYTES;
    }

    /** The embeddings under {@code key} (shared: never modify them), or null; counts a hit or a miss. */
    synchronized float[] get(Key key) {
        float[] e = entries.get(key);
        if (e != null) {
            hits++;
        } else {
            misses++;
        }
        return e;
    }

    /** Like {@link #get} without counting or touching the entry's age. */
    synchronized float[] peek(Key key) {
        float[] e = entries.get(key); // access order: this does refresh it, which is harmless
        return e;
    }

    /** Keeps {@code embeddings}, evicting the least recently used; an entry larger than the cache is not kept. */
    synchronized void put(Key key, float[] embeddings) {
        long size = sizeOf(embeddings);
        if (size > capacityBytes) {
            return;
        }
        float[] old = entries.put(key, embeddings);
        if (old != null) {
            bytes -= sizeOf(old);
        }
        bytes += size;
        var it = entries.entrySet().iterator();
        while (bytes > capacityBytes && it.hasNext()) {
            Map.Entry<Key, float[]> eldest = it.next();
            if (eldest.getKey().equals(key)) {
                continue;
            }
            bytes -= sizeOf(eldest.getValue());
            it.remove();
            evictions++;
        }
    }

    boolean enabled() {
        return capacityBytes > 0;
    }

    long capacityBytes() {
        return capacityBytes;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized long hits() {
        return hits;
    }

    synchronized long misses() {
        return misses;
    }

    synchronized long evictions() {
        return evictions;
    }
}
