package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.llamapanama.generation.TokenLogprob;
import io.github.llamapanama.model.Vocab;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Token log-probabilities in OpenAI's shapes: chat completions'
 * {@code {"content": [{"token", "logprob", "bytes", "top_logprobs": [...]}]}} and text
 * completions' {@code {"tokens", "token_logprobs", "top_logprobs", "text_offset"}}. A token's
 * text is its piece (special tokens as written); {@code bytes} are its raw UTF-8 bytes, which
 * matter for tokens that hold part of a character.
 */
final class LogprobsJson {
    private final Vocab vocab;
    private final boolean chat;

    LogprobsJson(Vocab vocab, boolean chat) {
        this.vocab = vocab;
        this.chat = chat;
    }

    /** Entries {@code from..to} of {@code tokens}; text offsets (text completions) start at {@code offset}. */
    ObjectNode of(List<TokenLogprob> tokens, int from, int to, int offset) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        if (chat) {
            ArrayNode content = n.putArray("content");
            for (int i = from; i < to; i++) {
                TokenLogprob t = tokens.get(i);
                ObjectNode entry = entry(t.token(), t.logprob());
                ArrayNode top = entry.putArray("top_logprobs");
                for (int k = 0; k < t.topTokens().length; k++) {
                    top.add(entry(t.topTokens()[k], t.topLogprobs()[k]));
                }
                content.add(entry);
            }
            n.putNull("refusal");
            return n;
        }
        ArrayNode text = n.putArray("tokens");
        ArrayNode logprobs = n.putArray("token_logprobs");
        ArrayNode top = n.putArray("top_logprobs");
        ArrayNode offsets = n.putArray("text_offset");
        for (int i = from; i < to; i++) {
            TokenLogprob t = tokens.get(i);
            String piece = piece(t.token());
            text.add(piece);
            logprobs.add(t.logprob());
            ObjectNode alternatives = top.addObject();
            for (int k = 0; k < t.topTokens().length; k++) {
                alternatives.put(piece(t.topTokens()[k]), t.topLogprobs()[k]);
            }
            offsets.add(offset);
            offset += piece.length();
        }
        return n;
    }

    private ObjectNode entry(int token, float logprob) {
        byte[] bytes = vocab.tokenBytes(token, true);
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("token", new String(bytes, StandardCharsets.UTF_8));
        e.put("logprob", logprob);
        ArrayNode b = e.putArray("bytes");
        for (byte x : bytes) {
            b.add(x & 0xFF);
        }
        return e;
    }

    private String piece(int token) {
        return new String(vocab.tokenBytes(token, true), StandardCharsets.UTF_8);
    }
}
