package io.github.llamapanama.sampling;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ECMAScript subset that lazy-grammar trigger patterns are held to. */
class TriggerPatternsTest {

    @Test
    void acceptsThePatternsLlamaCppsChatHandlersUse() {
        for (String p : List.of("^[\\s\\S]*?(<tool_call>)[\\s\\S]*", "[\\s\\S]*?(\\{\"name\": \"foo\")[\\s\\S]*",
                "^\\s*(\\[TOOL_CALLS\\])", "(?:a|b)+?c{2,}d{1,3}", "[^a-zA-Z0-9_\\-]x", "a(?=b)", "(?!x)y",
                "\\x41\\u00e9.", "\u00e9+", "[-a]", "[a-]", "\\bword\\B", "[\\d-]")) {
            assertDoesNotThrow(() -> TriggerPatterns.check("p", p), p);
        }
    }

    @Test
    void refusesWhatStdRegexOrJavaWouldReadDifferently() {
        for (String p : List.of("(?<n>x)", "(?<=a)b", "(?<!a)b", "(?i)x", "(?>x)", "a++", "a*+", "a{2}+", "\\p{L}",
                "\\1", "(a)\\1", "\\k<n>", "\\Q.\\E", "\\x{41}", "\\0", "\\cA", "\\h", "[[:alpha:]]", "[a[b]]", "[a&&b]",
                "[\\w-.]", "[a-\\d]", "[a-b-c]", "[\u00e9]", "]", "}", "x{", "a{1001}", "{1}", "^*", "a**", "(?=a)+",
                "\\b+", "[]a]")) {
            assertThrows(IllegalArgumentException.class, () -> TriggerPatterns.check("p", p), p);
        }
    }

    @Test
    void escapeMatchesTheWordLiterally() {
        String word = "a.b(c)[d]{e}*+?^$|\\";
        String escaped = TriggerPatterns.escape(word);
        TriggerPatterns.check("escaped", escaped);
        assertTrue(Pattern.matches(escaped, word));
    }
}
