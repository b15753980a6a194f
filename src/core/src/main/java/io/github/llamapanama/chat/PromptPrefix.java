package io.github.llamapanama.chat;

import java.util.Arrays;

/** Prompt-prefix reuse for the chat sessions: what of a new prompt the KV cache already holds. */
final class PromptPrefix {
    private PromptPrefix() {}

    /**
     * The position {@code prompt} resumes from when the cache holds {@code cached}: their common
     * prefix, less one when that is the whole prompt (its last token is decoded again for fresh logits).
     */
    static int resumeAt(int[] cached, int[] prompt) {
        int common = Arrays.mismatch(cached, prompt);
        if (common < 0) {
            common = prompt.length; // equal
        }
        return common == prompt.length ? common - 1 : common;
    }
}
