package io.github.llamapanama.model;

/** llama_vocab_type, in native order. */
public enum VocabType {
    /** no vocabulary */
    NONE,
    /** SentencePiece, byte-level fallback (LLaMA) */
    SPM,
    /** byte-level BPE (GPT-2, Qwen2) */
    BPE,
    /** WordPiece (BERT) */
    WPM,
    /** Unigram (T5) */
    UGM,
    /** RWKV greedy tokenizer */
    RWKV
}
