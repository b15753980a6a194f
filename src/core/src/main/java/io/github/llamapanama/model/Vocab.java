package io.github.llamapanama.model;

import io.github.llamapanama.LlamaException;
import io.github.llamapanama.internal.ffm.LlamaNative;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A model's vocabulary (llama_vocab): tokenizer, detokenizer and special tokens. It belongs to
 * its {@link Model} and is valid while the model is open. Token ids that llama.cpp reports as
 * absent are -1 (LLAMA_TOKEN_NULL).
 */
public final class Vocab {
    public static final int NULL_TOKEN = -1;

    private final Model model;
    private final MemorySegment vocab;
    private final int size;

    Vocab(Model model, MemorySegment vocab) {
        this.model = model;
        this.vocab = vocab;
        this.size = LlamaNative.llama_vocab_n_tokens(vocab);
    }

    /** Number of tokens (n_vocab). */
    public int size() {
        return size;
    }

    public VocabType type() {
        model.ensureOpenForVocab();
        return VocabType.values()[LlamaNative.llama_vocab_type(vocab)];
    }

    /**
     * Tokenizes text.
     *
     * @param addSpecial   add BOS/EOS as the model's metadata asks
     * @param parseSpecial treat special-token text such as {@code <|im_start|>} as that token
     */
    public int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        model.ensureOpenForVocab();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment in = call.allocate(utf8.length + 1L);
            MemorySegment.copy(utf8, 0, in, ValueLayout.JAVA_BYTE, 0, utf8.length);
            int capacity = utf8.length + 8; // a token covers at least one byte, plus BOS/EOS
            MemorySegment out = call.allocate(ValueLayout.JAVA_INT, capacity);
            int n = LlamaNative.llama_tokenize(vocab, in, utf8.length, out, capacity, addSpecial, parseSpecial);
            if (n < 0) {
                if (n == Integer.MIN_VALUE) {
                    throw new LlamaException("text too long to tokenize: " + utf8.length + " bytes");
                }
                capacity = -n;
                out = call.allocate(ValueLayout.JAVA_INT, capacity);
                n = LlamaNative.llama_tokenize(vocab, in, utf8.length, out, capacity, addSpecial, parseSpecial);
            }
            return out.asSlice(0, (long) n * Integer.BYTES).toArray(ValueLayout.JAVA_INT);
        }
    }

    /** The text of one token; special tokens render as their text when {@code special} is true. */
    public String tokenToPiece(int token, boolean special) {
        return new String(tokenBytes(token, special), StandardCharsets.UTF_8);
    }

    /**
     * The raw bytes of one token. A byte-level BPE token may hold part of a UTF-8 character, so
     * streaming text should go through a {@link TokenDecoder}, which assembles whole characters.
     */
    public byte[] tokenBytes(int token, boolean special) {
        checkToken(token);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment buf = call.allocate(TokenDecoder.INITIAL_PIECE_BYTES);
            int n = tokenToPiece(token, buf, special);
            if (n < 0) {
                buf = call.allocate(-n);
                n = tokenToPiece(token, buf, special);
            }
            return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** llama_token_to_piece into buf; negative: -(bytes needed). Token must be valid. */
    int tokenToPiece(int token, MemorySegment buf, boolean special) {
        return LlamaNative.llama_token_to_piece(vocab, token, buf, (int) buf.byteSize(), 0, special);
    }

    /** A new decoder that turns a token stream into text, whole characters at a time. */
    public TokenDecoder newDecoder(boolean renderSpecial) {
        return new TokenDecoder(this, renderSpecial);
    }

    /** Detokenizes a whole sequence (llama_detokenize). */
    public String detokenize(int[] tokens, boolean removeSpecial, boolean unparseSpecial) {
        model.ensureOpenForVocab();
        for (int t : tokens) {
            checkToken(t);
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment in = call.allocateFrom(ValueLayout.JAVA_INT, tokens);
            int capacity = Math.max(64, tokens.length * 8);
            MemorySegment out = call.allocate(capacity);
            int n = LlamaNative.llama_detokenize(vocab, in, tokens.length, out, capacity, removeSpecial, unparseSpecial);
            if (n < 0) {
                capacity = -n;
                out = call.allocate(capacity);
                n = LlamaNative.llama_detokenize(vocab, in, tokens.length, out, capacity, removeSpecial, unparseSpecial);
            }
            return new String(out.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }

    /** The token's text in the vocabulary (not decoded: byte-level BPE shows Ġ for a space). */
    public String tokenText(int token) {
        checkToken(token);
        return LlamaNative.llama_vocab_get_text(vocab, token).reinterpret(Integer.MAX_VALUE).getString(0);
    }

    /** True for end-of-generation tokens (EOS, EOT and the like). */
    public boolean isEndOfGeneration(int token) {
        model.ensureOpenForVocab();
        return token >= 0 && token < size && LlamaNative.llama_vocab_is_eog(vocab, token);
    }

    public boolean isControl(int token) {
        checkToken(token);
        return LlamaNative.llama_vocab_is_control(vocab, token);
    }

    public int bos() { model.ensureOpenForVocab(); return LlamaNative.llama_vocab_bos(vocab); }
    public int eos() { model.ensureOpenForVocab(); return LlamaNative.llama_vocab_eos(vocab); }
    public int eot() { model.ensureOpenForVocab(); return LlamaNative.llama_vocab_eot(vocab); }
    public int sep() { model.ensureOpenForVocab(); return LlamaNative.llama_vocab_sep(vocab); }
    public int nl() { model.ensureOpenForVocab(); return LlamaNative.llama_vocab_nl(vocab); }
    public int pad() { model.ensureOpenForVocab(); return LlamaNative.llama_vocab_pad(vocab); }
    public int fimPrefix() { model.ensureOpenForVocab(); return LlamaNative.llama_vocab_fim_pre(vocab); }
    public int fimSuffix() { model.ensureOpenForVocab(); return LlamaNative.llama_vocab_fim_suf(vocab); }
    public int fimMiddle() { model.ensureOpenForVocab(); return LlamaNative.llama_vocab_fim_mid(vocab); }
    public boolean addsBos() { model.ensureOpenForVocab(); return LlamaNative.llama_vocab_get_add_bos(vocab); }
    public boolean addsEos() { model.ensureOpenForVocab(); return LlamaNative.llama_vocab_get_add_eos(vocab); }

    /** Model this vocabulary belongs to. */
    public Model model() {
        return model;
    }

    void checkToken(int token) {
        model.ensureOpenForVocab();
        if (token < 0 || token >= size) {
            throw new IllegalArgumentException("token " + token + " is outside the vocabulary [0, " + size + ")");
        }
    }
}
