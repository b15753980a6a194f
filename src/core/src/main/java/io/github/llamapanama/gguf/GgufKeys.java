package io.github.llamapanama.gguf;

/**
 * Metadata keys that llama.cpp and mtmd read (names from llama-arch.cpp and clip-impl.h at
 * ea1431b0). Keys with {@code %s} take the architecture ({@link #arch}).
 */
public final class GgufKeys {
    public static final String GENERAL_ARCHITECTURE = "general.architecture";
    public static final String GENERAL_TYPE = "general.type";
    public static final String GENERAL_NAME = "general.name";
    public static final String GENERAL_ALIGNMENT = "general.alignment";
    public static final String GENERAL_FILE_TYPE = "general.file_type";
    public static final String GENERAL_QUANTIZATION_VERSION = "general.quantization_version";

    public static final String CONTEXT_LENGTH = "%s.context_length";
    public static final String EMBEDDING_LENGTH = "%s.embedding_length";
    public static final String BLOCK_COUNT = "%s.block_count";
    public static final String FEED_FORWARD_LENGTH = "%s.feed_forward_length";
    public static final String HEAD_COUNT = "%s.attention.head_count";
    public static final String HEAD_COUNT_KV = "%s.attention.head_count_kv";
    public static final String LAYER_NORM_RMS_EPS = "%s.attention.layer_norm_rms_epsilon";
    public static final String ROPE_FREQ_BASE = "%s.rope.freq_base";

    public static final String TOKENIZER_MODEL = "tokenizer.ggml.model";
    public static final String TOKENIZER_PRE = "tokenizer.ggml.pre";
    public static final String TOKENIZER_TOKENS = "tokenizer.ggml.tokens";
    public static final String TOKENIZER_TOKEN_TYPE = "tokenizer.ggml.token_type";
    public static final String TOKENIZER_SCORES = "tokenizer.ggml.scores";
    public static final String TOKENIZER_MERGES = "tokenizer.ggml.merges";
    public static final String TOKENIZER_BOS_ID = "tokenizer.ggml.bos_token_id";
    public static final String TOKENIZER_EOS_ID = "tokenizer.ggml.eos_token_id";
    public static final String TOKENIZER_EOT_ID = "tokenizer.ggml.eot_token_id";
    public static final String TOKENIZER_PAD_ID = "tokenizer.ggml.padding_token_id";
    public static final String TOKENIZER_ADD_BOS = "tokenizer.ggml.add_bos_token";
    public static final String TOKENIZER_ADD_EOS = "tokenizer.ggml.add_eos_token";
    public static final String TOKENIZER_PRECOMPILED_CHARSMAP = "tokenizer.ggml.precompiled_charsmap";
    public static final String CHAT_TEMPLATE = "tokenizer.chat_template";

    private GgufKeys() {}

    /** A {@code %s} key for an architecture: {@code arch(CONTEXT_LENGTH, "qwen2")}. */
    public static String arch(String key, String architecture) {
        return key.replace("%s", architecture);
    }
}
