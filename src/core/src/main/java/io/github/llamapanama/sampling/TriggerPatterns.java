package io.github.llamapanama.sampling;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks lazy-grammar trigger patterns before llama.cpp compiles them with {@code std::regex}
 * (ECMAScript syntax). A pattern std::regex rejects throws {@code std::regex_error} through the C
 * API, which aborts the JVM, so only a conservative subset that both java.util.regex and
 * libstdc++'s ECMAScript grammar accept passes: literals, {@code .}, classes of plain characters,
 * ranges and the escapes {@code \d \D \s \S \w \W}, groups {@code (..)} and {@code (?:..)},
 * lookaheads {@code (?=..)} and {@code (?!..)}, {@code ^ $ \b \B}, alternation, and greedy or
 * lazy quantifiers ({@code * + ? {n} {n,} {n,m}}, counts up to {@value #MAX_COUNT}).
 * Refused: back-references, named or inline-flag groups, lookbehind, possessive quantifiers,
 * nested classes, POSIX classes, Java-only escapes, and unescaped {@code ] }} outside a class.
 */
final class TriggerPatterns {
    static final int MAX_COUNT = 1000;

    private TriggerPatterns() {}

    /** The pattern for matching {@code s} literally (common's regex_escape). */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (".^$|()*+?[]{}\\".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    static void check(String name, String pattern) {
        Checks.cString(name, pattern);
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException(name + " is empty");
        }
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(name + " is not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex() + " of '" + pattern + "'");
        }
        new Scan(name, pattern).run();
    }

    private static final class Scan {
        private final String name;
        private final String p;
        private int i;
        private boolean quantifiable; // the last item is an atom a quantifier may follow
        private final Deque<Boolean> groups = new ArrayDeque<>(); // true: a lookahead

        Scan(String name, String pattern) {
            this.name = name;
            this.p = pattern;
        }

        private IllegalArgumentException refuse(String why) {
            return new IllegalArgumentException(name + " '" + p + "' at index " + i + ": " + why
                    + " (llama.cpp compiles trigger patterns with std::regex, ECMAScript syntax)");
        }

        void run() {
            while (i < p.length()) {
                char c = p.charAt(i);
                switch (c) {
                    case '\\' -> escape();
                    case '[' -> charClass();
                    case '(' -> open();
                    case ')' -> {
                        boolean lookahead = groups.pop();
                        i++;
                        quantifiable = !lookahead;
                    }
                    case '|', '^', '$' -> {
                        i++;
                        quantifiable = false;
                    }
                    case '*', '+', '?' -> {
                        i++;
                        quantifier();
                    }
                    case '{' -> interval();
                    case ']', '}' -> throw refuse("escape a literal '" + c + "' as \\" + c);
                    default -> {
                        i++;
                        quantifiable = true;
                    }
                }
            }
        }

        private void escape() {
            char c = p.charAt(i + 1); // Pattern.compile refused a trailing backslash
            switch (c) {
                case 'd', 'D', 's', 'S', 'w', 'W', 't', 'n', 'r', 'f', 'v' -> quantifiable = true;
                case 'b', 'B' -> quantifiable = false;
                case 'x' -> hex(2);
                case 'u' -> hex(4);
                default -> {
                    if (c >= 128 || Character.isLetterOrDigit(c)) {
                        throw refuse("the escape \\" + c + " is not supported");
                    }
                    quantifiable = true;
                }
            }
            i += (c == 'x' ? 4 : c == 'u' ? 6 : 2);
        }

        private void hex(int digits) {
            for (int k = 0; k < digits; k++) {
                int at = i + 2 + k;
                if (at >= p.length() || Character.digit(p.charAt(at), 16) < 0) {
                    throw refuse("expected " + digits + " hex digits after \\" + p.charAt(i + 1));
                }
            }
            quantifiable = true;
        }

        private void open() {
            boolean lookahead = false;
            if (i + 1 < p.length() && p.charAt(i + 1) == '?') {
                char kind = i + 2 < p.length() ? p.charAt(i + 2) : 0;
                if (kind != ':' && kind != '=' && kind != '!') {
                    throw refuse("only (?:...), (?=...) and (?!...) groups are supported");
                }
                lookahead = kind != ':';
                i += 3;
            } else {
                i++;
            }
            groups.push(lookahead);
            quantifiable = false;
        }

        private void quantifier() {
            if (!quantifiable) {
                throw refuse("a quantifier must follow a character, class or group");
            }
            if (i < p.length() && p.charAt(i) == '?') {
                i++; // lazy
            }
            if (i < p.length() && p.charAt(i) == '+') {
                throw refuse("possessive quantifiers are not supported");
            }
            quantifiable = false;
        }

        private void interval() {
            int close = p.indexOf('}', i);
            String body = close < 0 ? "" : p.substring(i + 1, close);
            if (!body.matches("\\d{1,4}(,\\d{0,4})?")) {
                throw refuse("'{' must start a repetition {n}, {n,} or {n,m}; escape a literal '{' as \\{");
            }
            for (String n : body.split(",")) {
                if (!n.isEmpty() && Integer.parseInt(n) > MAX_COUNT) {
                    throw refuse("repetition counts above " + MAX_COUNT + " are not supported");
                }
            }
            i = close + 1;
            quantifier();
        }

        /** A bracket expression of plain ASCII characters, ranges and class escapes. */
        private void charClass() {
            int start = ++i;
            if (at(i) == '^') {
                start = ++i;
            }
            boolean single = false;  // the previous item is one character: it may start a range
            boolean rangeEnd = false; // the next character ends a range
            while (at(i) != ']' || i == start) {
                char c = at(i);
                if (c == ']') {
                    throw refuse("escape a ']' at the start of a class as \\]");
                } else if (c == '[') {
                    throw refuse("'[' inside a class (nested or POSIX classes) is not supported; escape it as \\[");
                } else if (c == '&' && at(i + 1) == '&') {
                    throw refuse("class intersection && is not supported");
                } else if (c >= 128) {
                    throw refuse("non-ASCII characters inside a class are not supported (use alternation)");
                } else if (c == '-' && i != start && at(i + 1) != ']' && !rangeEnd) {
                    if (!single) {
                        throw refuse("a range must start with a single character; escape a literal '-' as \\-");
                    }
                    i++;
                    rangeEnd = true;
                    continue;
                }
                if (c == '\\') {
                    char e = at(i + 1);
                    if ("dDsSwW".indexOf(e) >= 0) {
                        if (rangeEnd) {
                            throw refuse("a class escape cannot end a range");
                        }
                        i += 2;
                        single = false;
                        continue;
                    } else if (e == 'x' || e == 'u') {
                        hex(e == 'x' ? 2 : 4);
                        i += e == 'x' ? 4 : 6;
                    } else if ("tnrfv".indexOf(e) >= 0 || (e < 128 && !Character.isLetterOrDigit(e))) {
                        i += 2;
                    } else {
                        throw refuse("the escape \\" + e + " is not supported inside a class");
                    }
                } else {
                    i++;
                }
                single = !rangeEnd; // a range end cannot start another range
                rangeEnd = false;
            }
            i++;
            quantifiable = true;
        }

        private char at(int k) {
            return k < p.length() ? p.charAt(k) : 0;
        }
    }
}
