package io.github.llamapanama.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Turns a stream of tokens into text without ever emitting half a character: byte-level BPE
 * tokens can split a UTF-8 sequence, so a trailing incomplete sequence is held back until the
 * next token completes it. Invalid bytes become U+FFFD. Buffers are reused, so appending a token
 * allocates nothing on the Java heap. Not thread-safe: one decoder per generation.
 */
public final class TokenDecoder {
    static final int INITIAL_PIECE_BYTES = 64;

    private final Vocab vocab;
    private final boolean renderSpecial;
    private MemorySegment piece = Arena.ofAuto().allocate(INITIAL_PIECE_BYTES);
    private byte[] work = new byte[INITIAL_PIECE_BYTES + 4];
    private final byte[] pending = new byte[4];
    private int pendingLength;

    TokenDecoder(Vocab vocab, boolean renderSpecial) {
        this.vocab = vocab;
        this.renderSpecial = renderSpecial;
    }

    /** Appends the complete characters that {@code token} finishes; returns how many chars. */
    public int append(int token, StringBuilder out) {
        vocab.checkToken(token);
        int n = vocab.tokenToPiece(token, piece, renderSpecial);
        if (n < 0) {
            piece = Arena.ofAuto().allocate(-n);
            n = vocab.tokenToPiece(token, piece, renderSpecial);
        }
        int total = pendingLength + n;
        if (work.length < total) {
            work = new byte[total];
        }
        System.arraycopy(pending, 0, work, 0, pendingLength);
        MemorySegment.copy(piece, ValueLayout.JAVA_BYTE, 0, work, pendingLength, n);
        pendingLength = 0;
        return decode(work, total, out);
    }

    /** Emits any held-back bytes (an unfinished character) as U+FFFD; call at the end. */
    public int flush(StringBuilder out) {
        int had = pendingLength;
        pendingLength = 0;
        if (had > 0) {
            out.append('\uFFFD');
            return 1;
        }
        return 0;
    }

    /** True while an incomplete character is held back. */
    public boolean hasPending() {
        return pendingLength > 0;
    }

    public void reset() {
        pendingLength = 0;
    }

    private int decode(byte[] b, int n, StringBuilder out) {
        int before = out.length();
        int i = 0;
        while (i < n) {
            int lead = b[i] & 0xff;
            int len = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3
                    : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
            if (len == 0) {
                out.append('\uFFFD');
                i++;
                continue;
            }
            int valid = 1; // bytes of this sequence seen so far that are well formed
            while (valid < len && i + valid < n && (b[i + valid] & 0xc0) == 0x80) {
                valid++;
            }
            if (valid < len) {
                if (i + valid == n) { // ran out of input mid-character: wait for the next token
                    System.arraycopy(b, i, pending, 0, valid);
                    pendingLength = valid;
                    break;
                }
                out.append('\uFFFD');
                i += valid;
                continue;
            }
            int cp = switch (len) {
                case 1 -> lead;
                case 2 -> (lead & 0x1f) << 6 | (b[i + 1] & 0x3f);
                case 3 -> (lead & 0x0f) << 12 | (b[i + 1] & 0x3f) << 6 | (b[i + 2] & 0x3f);
                default -> (lead & 0x07) << 18 | (b[i + 1] & 0x3f) << 12 | (b[i + 2] & 0x3f) << 6 | (b[i + 3] & 0x3f);
            };
            boolean overlong = len == 3 && cp < 0x800 || len == 4 && (cp < 0x10000 || cp > 0x10ffff);
            if (overlong || cp >= 0xd800 && cp <= 0xdfff) {
                out.append('\uFFFD');
            } else {
                out.appendCodePoint(cp);
            }
            i += len;
        }
        return out.length() - before;
    }
}
