package io.github.llamapanama.generation;

import java.util.List;

/**
 * Finds stop strings in generated text that arrives in pieces. Text that could be the start of
 * a stop string is held back until the next piece proves it is not, so a stop string split
 * across tokens is still caught and never emitted. Allocation-free.
 */
final class StopMatcher {
    private final String[] stops;

    StopMatcher(List<String> stops) {
        this.stops = stops.toArray(String[]::new);
    }

    boolean isEmpty() {
        return stops.length == 0;
    }

    /** Index in {@code text} where the earliest stop string begins, or -1. */
    int find(StringBuilder text) {
        int best = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    /** Length of the longest suffix of {@code text} that begins some stop string: text to hold back. */
    int heldSuffix(StringBuilder text) {
        int n = text.length();
        int longest = 0;
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, n); len > longest; len--) {
                if (startsWithSuffix(text, n - len, s, len)) {
                    longest = len;
                    break;
                }
            }
        }
        return longest;
    }

    private static boolean startsWithSuffix(StringBuilder text, int from, String stop, int len) {
        for (int i = 0; i < len; i++) {
            if (text.charAt(from + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
