package io.github.llamapanama.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The image embedding cache: a byte bound, least recently used out, keyed by projector and content. */
class ImageEmbeddingCacheTest {
    private static final Object PROJECTOR = new Object();

    private static ImageEmbeddingCache.Key key(String id) {
        return new ImageEmbeddingCache.Key(PROJECTOR, id, 4);
    }

    @Test
    void neverHoldsMoreThanItsBoundAndDropsTheLeastRecentlyUsed() {
        ImageEmbeddingCache cache = new ImageEmbeddingCache(1000); // 250 floats
        float[] hundred = new float[100];                           // 400 bytes
        cache.put(key("a"), hundred);
        cache.put(key("b"), new float[100]);
        assertSame(hundred, cache.get(key("a")));                   // a is now the most recent
        cache.put(key("c"), new float[100]);                        // 1200 bytes: b goes
        assertTrue(cache.bytes() <= 1000, "bytes " + cache.bytes());
        assertEquals(2, cache.size());
        assertNull(cache.get(key("b")));
        assertNotNull(cache.get(key("a")));
        assertNotNull(cache.get(key("c")));
        assertEquals(1, cache.evictions());
        for (int i = 0; i < 50; i++) {
            cache.put(key("x" + i), new float[10 + i]);
            assertTrue(cache.bytes() <= 1000, "bytes " + cache.bytes() + " after " + i);
        }
        assertEquals(3, cache.hits());
        assertEquals(1, cache.misses());
    }

    @Test
    void anEntryLargerThanTheCacheIsNotKeptAndZeroTurnsItOff() {
        ImageEmbeddingCache cache = new ImageEmbeddingCache(1000);
        cache.put(key("small"), new float[10]);
        cache.put(key("huge"), new float[1000]);
        assertNull(cache.get(key("huge")));
        assertNotNull(cache.get(key("small")), "a refused entry evicts nothing");
        ImageEmbeddingCache off = new ImageEmbeddingCache(0);
        off.put(key("a"), new float[1]);
        assertEquals(0, off.size());
        assertTrue(!off.enabled());
    }

    @Test
    void keysDifferByProjectorContentAndTokenCount() {
        ImageEmbeddingCache cache = new ImageEmbeddingCache(1 << 20);
        cache.put(new ImageEmbeddingCache.Key(PROJECTOR, "h", 4), new float[4]);
        assertNull(cache.get(new ImageEmbeddingCache.Key(new Object(), "h", 4)));
        assertNull(cache.get(new ImageEmbeddingCache.Key(PROJECTOR, "h2", 4)));
        assertNull(cache.get(new ImageEmbeddingCache.Key(PROJECTOR, "h", 5)));
        assertNotNull(cache.get(new ImageEmbeddingCache.Key(PROJECTOR, "h", 4)));
    }
}
