package io.github.llamapanama.hub;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HfRepoTest {
    @Test
    void parsesRepoAndQuant() {
        HfRepo r = HfRepo.parse("Mungert/InternVL3-1B-GGUF:q4_k");
        assertEquals("Mungert/InternVL3-1B-GGUF", r.id());
        assertEquals("q4_k", r.quant());
        assertEquals("main", r.revision());
        assertEquals("Mungert", r.owner());
        assertEquals("InternVL3-1B-GGUF", r.name());
        assertEquals("models--Mungert--InternVL3-1B-GGUF", r.cacheFolder());
        assertEquals("Mungert/InternVL3-1B-GGUF:q4_k", r.toString());
    }

    @Test
    void quantIsOptional() {
        HfRepo r = HfRepo.parse(" ggml-org/InternVL3-1B-Instruct-GGUF ");
        assertNull(r.quant());
        assertEquals(new HfRepo("ggml-org/InternVL3-1B-Instruct-GGUF"), r);
    }

    @Test
    void revisions() {
        HfRepo r = new HfRepo("a/b").withRevision("0a1b2c3d4e5f60718293a4b5c6d7e8f901234567");
        assertTrue(r.revisionIsCommit());
        assertFalse(new HfRepo("a/b").withRevision("v1.0").revisionIsCommit());
        assertEquals("a/b@v1.0", new HfRepo("a/b", null, "v1.0").toString());
    }

    @Test
    void rejectsWhatCouldEscapeTheCache() {
        for (String bad : new String[] {"noslash", "a/b/c", "../x", "a/..", "a--b/c", "/a", "a/", "a b/c", ":q8_0", "a/b:"}) {
            assertThrows(IllegalArgumentException.class, () -> HfRepo.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new HfRepo("a/b", null, "../../etc"));
        assertThrows(IllegalArgumentException.class, () -> new HfRepo("a/b", "q/8", null));
    }
}
