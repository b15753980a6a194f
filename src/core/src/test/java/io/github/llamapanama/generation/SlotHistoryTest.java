package io.github.llamapanama.generation;

import io.github.llamapanama.model.Context;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a slot's cache holds against a new prompt: tokens, media by id and length, partial media. */
class SlotHistoryTest {
    record FakeMedia(String id, int tokens) implements PromptMedia {
        @Override public int positions() { return tokens; }
        @Override public boolean decodesInParts() { return true; }
        @Override public void prepare() { }
        @Override public boolean ready() { return true; }
        @Override public void decode(Context c, int s, int p, int f, int n, boolean l) { }
        @Override public void close() { }
    }

    private static SlotHistory history(int[] before, String mediaId, int mediaTokens, int[] after) {
        SlotHistory h = new SlotHistory();
        h.add(before, 0, before.length);
        if (mediaId != null) {
            h.addMedia(mediaId, before.length, mediaTokens);
        }
        h.add(after, 0, after.length);
        return h;
    }

    @Test
    void textPrefix() {
        SlotHistory h = history(new int[] {1, 2, 3, 4}, null, 0, new int[0]);
        assertEquals(4, h.commonPrefix(SlotPrompt.ofTokens(new int[] {1, 2, 3, 4, 5, 6})));
        assertEquals(2, h.commonPrefix(SlotPrompt.ofTokens(new int[] {1, 2, 9, 4})));
        assertEquals(0, h.commonPrefix(SlotPrompt.ofTokens(new int[] {7})));
        assertEquals(3, h.commonPrefix(SlotPrompt.ofTokens(new int[] {1, 2, 3})));
    }

    @Test
    void mediaMatchesByIdAndLengthAndNeverInPart() {
        SlotHistory h = history(new int[] {1, 2}, "abc", 5, new int[] {7, 8});
        SlotPrompt same = SlotPrompt.builder().text(new int[] {1, 2}).media(new FakeMedia("abc", 5)).text(new int[] {7, 9}).build();
        assertEquals(2 + 5 + 1, h.commonPrefix(same));
        SlotPrompt other = SlotPrompt.builder().text(new int[] {1, 2}).media(new FakeMedia("abd", 5)).text(new int[] {7}).build();
        assertEquals(2, h.commonPrefix(other), "another image: the prefix ends where it starts");
        SlotPrompt noId = SlotPrompt.builder().text(new int[] {1, 2}).media(new FakeMedia(null, 5)).build();
        assertEquals(2, h.commonPrefix(noId));
        h.truncate(4); // inside the image: it is partial now
        assertEquals(2, h.commonPrefix(same));
        SlotHistory partial = new SlotHistory();
        partial.add(new int[] {1, 2}, 0, 2);
        partial.addMedia("abc", 2, 3);
        partial.addMedia("abc", 2, 2); // the rest of it, in a second part
        partial.add(7);
        assertEquals(2 + 5 + 1, partial.commonPrefix(same));
    }

    @Test
    void truncateDropsLaterMedia() {
        SlotHistory h = history(new int[] {1, 2}, "abc", 5, new int[] {7, 8});
        h.truncate(2);
        assertEquals(2, h.size());
        h.add(new int[] {3, 3, 3, 3, 3}, 0, 5);
        SlotPrompt p = SlotPrompt.builder().text(new int[] {1, 2}).media(new FakeMedia("abc", 5)).build();
        assertEquals(2, h.commonPrefix(p));
    }
}
