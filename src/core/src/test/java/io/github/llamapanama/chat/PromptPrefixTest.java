package io.github.llamapanama.chat;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PromptPrefixTest {
    @Test
    void resumesAfterTheCommonPrefix() {
        assertEquals(2, PromptPrefix.resumeAt(new int[] {1, 2, 3}, new int[] {1, 2, 4, 5}));
        assertEquals(0, PromptPrefix.resumeAt(new int[0], new int[] {7, 8}));
        assertEquals(3, PromptPrefix.resumeAt(new int[] {1, 2, 3}, new int[] {1, 2, 3, 4}));
    }

    @Test
    void aPromptTheCacheHoldsWholeDecodesItsLastTokenAgain() {
        assertEquals(2, PromptPrefix.resumeAt(new int[] {1, 2, 3}, new int[] {1, 2, 3}));
        assertEquals(1, PromptPrefix.resumeAt(new int[] {1, 2, 3, 4}, new int[] {1, 2}));
    }
}
