package io.github.llamapanama.vision;

import io.github.llamapanama.fixtures.Fixtures;
import io.github.llamapanama.model.Model;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encode profile times every node of the encoder's graph and sorts it into linear layers,
 * attention and the rest; timing node by node leaves the embeddings as they are, and nothing is
 * counted outside a profile.
 */
class EncodeProfileTest {

    @Test
    void splitsAnEncodeIntoLinearAttentionAndTheRest() {
        try (Model model = Model.load(Fixtures.tinyQwen2());
             Projector projector = Projector.load(Fixtures.tinyInternVlMmproj(), model)) {
            float[] plain = FirstImage.embeddings(projector);
            float[][] profiled = new float[1][];
            EncodeProfile p = EncodeProfile.of(() -> profiled[0] = FirstImage.embeddings(projector));
            assertTrue(p.linearMillis() > 0 && p.attentionMillis() > 0 && p.restMillis() > 0, p.toString());
            assertTrue(p.nodes() > 10, p.toString());
            assertEquals(p.linearMillis() + p.attentionMillis() + p.restMillis(), p.totalMillis(), 1e-9);
            assertArrayEquals(plain, profiled[0], "node by node, the same embeddings");

            EncodeProfile none = EncodeProfile.of(() -> { });
            assertEquals(new EncodeProfile(0, 0, 0, 0), none, "nothing encoded, nothing counted");
            // the profile ended: a later encode is not counted anywhere, and still gives the same result
            assertArrayEquals(plain, FirstImage.embeddings(projector));
        }
    }

    @Test
    void theWorkThrowingStillEndsTheProfile() {
        assertThrows(IllegalStateException.class, () -> EncodeProfile.of(() -> {
            throw new IllegalStateException("work failed");
        }));
        assertEquals(new EncodeProfile(0, 0, 0, 0), EncodeProfile.of(() -> { }));
    }
}
