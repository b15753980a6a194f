package io.github.llamapanama.vision.video;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VideoPromptTest {
    @Test
    void prefixNumbersFramesFromOne() {
        assertEquals("Frame1: <image>\n", VideoPrompt.prefix(1));
        assertEquals("Frame1: <image>\nFrame2: <image>\nFrame3: <image>\n", VideoPrompt.prefix(3));
        String eight = VideoPrompt.prefix(8);
        assertEquals(8, eight.lines().count());
        assertEquals("Frame8: <image>", eight.lines().toList().get(7));
        assertThrows(IllegalArgumentException.class, () -> VideoPrompt.prefix(0));
    }
}
