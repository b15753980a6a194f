package io.github.llamapanama.provider;

import io.github.llamapanama.model.Context;

import java.util.ArrayList;
import java.util.List;

/**
 * One pooled context and what its KV cache holds: the rendered conversation text (with media
 * markers), the media identities in order, and checkpoints where text and cache positions are
 * known to line up (the end of each evaluated prompt and of each answer). A new conversation
 * reuses the cache up to the last checkpoint whose text and media are a prefix of its own.
 */
final class Slot implements AutoCloseable {
    record Checkpoint(int textLength, int mediaCount, int position) {}

    static final Checkpoint START = new Checkpoint(0, 0, 0);

    final Context context;
    private String text = "";
    private final List<String> media = new ArrayList<>();
    private final List<Checkpoint> checkpoints = new ArrayList<>();

    Slot(Context context) {
        this.context = context;
    }

    /**
     * The checkpoint to resume {@code prompt} from: the longest cached prefix that still leaves
     * something to evaluate (the last prompt token must be decoded again for fresh logits).
     */
    Checkpoint reusable(String prompt, List<String> promptMedia) {
        Checkpoint best = START;
        for (Checkpoint c : checkpoints) {
            if (c.textLength() < prompt.length() && c.textLength() > best.textLength()
                    && prompt.regionMatches(0, text, 0, c.textLength())
                    && c.mediaCount() <= promptMedia.size()
                    && promptMedia.subList(0, c.mediaCount()).equals(media.subList(0, c.mediaCount()))) {
                best = c;
            }
        }
        return best;
    }

    /** The cache now holds {@code prompt} up to {@code position}, evaluated from {@code from}. */
    void evaluated(Checkpoint from, String prompt, List<String> promptMedia, int position) {
        checkpoints.removeIf(c -> c.textLength() > from.textLength());
        text = prompt;
        media.clear();
        media.addAll(promptMedia);
        checkpoints.add(new Checkpoint(prompt.length(), promptMedia.size(), position));
    }

    /** The answer's decoded tokens, {@code answer} as text, now follow the prompt up to {@code position}. */
    void answered(String answer, int position) {
        if (!answer.isEmpty()) {
            text = text + answer;
            checkpoints.add(new Checkpoint(text.length(), media.size(), position));
        }
    }

    /** Forgets what the cache holds (after an error, or to start over). */
    void forget() {
        text = "";
        media.clear();
        checkpoints.clear();
        context.kvCache().clear();
    }

    @Override
    public void close() {
        context.close();
    }
}
