package io.github.llamapanama.sampling;

import java.util.Objects;

/**
 * What wakes a lazy grammar (common_grammar_trigger): until a trigger appears in the output the
 * grammar constrains nothing. Word and pattern triggers match anywhere in the output so far;
 * full patterns must match all of it, from its start; a token trigger fires on that token.
 *
 * @param type  the kind of trigger
 * @param value the word or regular expression (ECMAScript subset, see
 *              {@link Sampler.Builder#lazyGrammar}), or the token's text for a token trigger
 * @param token the token id of a token trigger, else -1
 */
public record GrammarTrigger(Type type, String value, int token) {

    /** common_grammar_trigger_type. */
    public enum Type { WORD, PATTERN, PATTERN_FULL, TOKEN }

    public GrammarTrigger {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if (type == Type.TOKEN ? token < 0 : token != -1) {
            throw new IllegalArgumentException(type == Type.TOKEN
                    ? "a token trigger needs a token id >= 0, was " + token
                    : "only a token trigger has a token id, was " + token);
        }
        if (type != Type.TOKEN && value.isEmpty()) {
            throw new IllegalArgumentException("a " + type + " trigger needs a non-empty value");
        }
    }

    /** Fires when {@code word} appears anywhere in the output. */
    public static GrammarTrigger word(String word) {
        return new GrammarTrigger(Type.WORD, word, -1);
    }

    /** Fires when {@code regex} matches somewhere in the output. */
    public static GrammarTrigger pattern(String regex) {
        return new GrammarTrigger(Type.PATTERN, regex, -1);
    }

    /** Fires when {@code regex} matches the whole output so far. */
    public static GrammarTrigger patternFull(String regex) {
        return new GrammarTrigger(Type.PATTERN_FULL, regex, -1);
    }

    /** Fires on {@code token}; {@code text} is its text, for messages. */
    public static GrammarTrigger token(int token, String text) {
        return new GrammarTrigger(Type.TOKEN, text, token);
    }
}
