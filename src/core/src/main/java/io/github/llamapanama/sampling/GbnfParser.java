package io.github.llamapanama.sampling;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A port of llama_grammar_parser (src/llama-grammar.cpp at ea1431b0) that only checks a GBNF
 * text. It exists because llama.cpp prints its parse errors with fprintf(stderr), out of reach of
 * the log callback, and because {@code symbol_ids.at(root)} throws a C++ exception through the C
 * API (killing the JVM) when the start rule is missing. It reproduces llama.cpp's error messages
 * and its symbol table (including generated names such as {@code root_3}), so the grammar that
 * reaches native code parses. Like llama.cpp, it works on the UTF-8 bytes, NUL-terminated.
 */
final class GbnfParser {
    /** Larger repetition counts are refused: llama.cpp expands {m,n} into copies and rules. */
    static final int MAX_REPETITIONS = 100_000;
    private static final int MESSAGE_CONTEXT = 60;

    // Rule elements, as far as checking needs them: a rule reference is its id (>= 0).
    private static final int CHAR = -1;
    private static final int ALT = -2;
    private static final int END = -3;

    private final byte[] src;
    private final Map<String, Integer> symbolIds = new TreeMap<>(); // std::map in llama.cpp
    private final List<int[]> rules = new ArrayList<>();            // null: never defined

    private GbnfParser(String gbnf) {
        byte[] utf8 = gbnf.getBytes(StandardCharsets.UTF_8);
        this.src = Arrays.copyOf(utf8, utf8.length + 1); // the terminating NUL
    }

    /**
     * Parses {@code gbnf} and checks that llama.cpp can start it at {@code root}.
     *
     * @return the grammar's symbols (rule names, including generated ones)
     * @throws GrammarException with llama.cpp's message for what it would reject
     */
    static Set<String> check(String gbnf, String root) {
        GbnfParser p = new GbnfParser(gbnf);
        try {
            p.parse();
        } catch (Failure f) {
            throw new GrammarException("failed to parse grammar: " + f.getMessage());
        }
        if (p.rules.isEmpty()) {
            throw new GrammarException("failed to parse grammar: it defines no rules");
        }
        if (!p.symbolIds.containsKey("root")) {
            throw new GrammarException("grammar does not contain a 'root' symbol"
                    + " (llama.cpp requires one even when another start rule is named)");
        }
        if (!p.symbolIds.containsKey(root)) {
            throw new GrammarException("grammar does not contain a rule named '" + root + "'");
        }
        return Collections.unmodifiableSet(p.symbolIds.keySet());
    }

    /** A parse error; the message is llama.cpp's. */
    private static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private Failure error(String what, int pos) {
        return new Failure(what + " at " + excerpt(pos) + where(pos));
    }

    private String excerpt(int pos) {
        int end = pos;
        while (src[end] != 0) {
            end++;
        }
        String rest = new String(src, pos, end - pos, StandardCharsets.UTF_8);
        if (rest.length() > MESSAGE_CONTEXT) {
            rest = rest.substring(0, MESSAGE_CONTEXT) + "...";
        }
        return rest.isEmpty() ? "end of input" : "'" + rest + "'";
    }

    private String where(int pos) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < pos; i++) {
            if (src[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = new String(src, lineStart, pos - lineStart, StandardCharsets.UTF_8).length() + 1;
        return " (line " + line + ", column " + column + ")";
    }

    private static boolean isDigit(byte c) {
        return '0' <= c && c <= '9';
    }

    private static boolean isWordChar(byte c) {
        return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || c == '-' || isDigit(c);
    }

    private int getSymbolId(int from, int to) {
        String name = new String(src, from, to - from, StandardCharsets.UTF_8);
        return symbolIds.computeIfAbsent(name, k -> symbolIds.size());
    }

    private int generateSymbolId(String baseName) {
        int next = symbolIds.size();
        symbolIds.put(baseName + '_' + next, next);
        return next;
    }

    private void addRule(int id, int[] rule) {
        while (rules.size() <= id) {
            rules.add(null);
        }
        rules.set(id, rule);
    }

    private int parseSpace(int pos, boolean newlineOk) {
        while (src[pos] == ' ' || src[pos] == '\t' || src[pos] == '#'
                || (newlineOk && (src[pos] == '\r' || src[pos] == '\n'))) {
            if (src[pos] == '#') {
                while (src[pos] != 0 && src[pos] != '\r' && src[pos] != '\n') {
                    pos++;
                }
            } else {
                pos++;
            }
        }
        return pos;
    }

    private int parseName(int pos) {
        int end = pos;
        while (isWordChar(src[end])) {
            end++;
        }
        if (end == pos) {
            throw error("expecting name", pos);
        }
        return end;
    }

    private int parseInt(int pos) {
        int end = pos;
        while (isDigit(src[end])) {
            end++;
        }
        if (end == pos) {
            throw error("expecting integer", pos);
        }
        return end;
    }

    private int parseHex(int pos, int size) {
        int end = pos + size;
        int p = pos;
        for (; p < end && src[p] != 0; p++) {
            byte c = src[p];
            boolean hex = ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F') || isDigit(c);
            if (!hex) {
                break;
            }
        }
        if (p != end) {
            throw error("expecting " + size + " hex chars", pos);
        }
        return p;
    }

    /** One (possibly escaped) character; returns the position after it. */
    private int parseChar(int pos) {
        if (src[pos] == '\\') {
            return switch (src[pos + 1]) {
                case 'x' -> parseHex(pos + 2, 2);
                case 'u' -> parseHex(pos + 2, 4);
                case 'U' -> parseHex(pos + 2, 8);
                case 't', 'r', 'n', '\\', '"', '[', ']' -> pos + 2;
                default -> throw error("unknown escape", pos);
            };
        } else if (src[pos] != 0) {
            int lead = src[pos] & 0xFF;
            int len = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
            int p = pos + 1;
            while (p < pos + len && src[p] != 0) {
                p++;
            }
            return p;
        }
        throw new Failure("unexpected end of input");
    }

    private int repetitionCount(int from, int to) {
        if (to - from > 9 || Long.parseLong(new String(src, from, to - from, StandardCharsets.US_ASCII)) > MAX_REPETITIONS) {
            throw new Failure("repetition count " + new String(src, from, to - from, StandardCharsets.US_ASCII)
                    + where(from) + " exceeds llama-panama's limit of " + MAX_REPETITIONS
                    + " (llama.cpp expands repetitions into copies of the rule)");
        }
        return Integer.parseInt(new String(src, from, to - from, StandardCharsets.US_ASCII));
    }

    private int parseAlternates(int pos, String ruleName, int ruleId, boolean nested) {
        IntList rule = new IntList();
        pos = parseSequence(pos, ruleName, rule, nested);
        while (src[pos] == '|') {
            rule.add(ALT);
            pos = parseSpace(pos + 1, true);
            pos = parseSequence(pos, ruleName, rule, nested);
        }
        rule.add(END);
        addRule(ruleId, rule.toArray());
        return pos;
    }

    private int parseSequence(int pos, String ruleName, IntList rule, boolean nested) {
        int lastSymStart = rule.size();
        while (src[pos] != 0) {
            byte c = src[pos];
            if (c == '"') {
                pos++;
                lastSymStart = rule.size();
                while (src[pos] != '"') {
                    if (src[pos] == 0) {
                        throw new Failure("unexpected end of input");
                    }
                    pos = parseChar(pos);
                    rule.add(CHAR);
                }
                pos = parseSpace(pos + 1, nested);
            } else if (c == '[') {
                pos++;
                if (src[pos] == '^') {
                    pos++;
                }
                lastSymStart = rule.size();
                while (src[pos] != ']') {
                    if (src[pos] == 0) {
                        throw new Failure("unexpected end of input");
                    }
                    pos = parseChar(pos);
                    rule.add(CHAR);
                    if (src[pos] == '-' && src[pos + 1] != ']') {
                        if (src[pos + 1] == 0) {
                            throw new Failure("unexpected end of input");
                        }
                        pos = parseChar(pos + 1);
                        rule.add(CHAR);
                    }
                }
                pos = parseSpace(pos + 1, nested);
            } else if (isWordChar(c)) {
                int nameEnd = parseName(pos);
                int ref = getSymbolId(pos, nameEnd);
                pos = parseSpace(nameEnd, nested);
                lastSymStart = rule.size();
                rule.add(ref);
            } else if (c == '(') {
                pos = parseSpace(pos + 1, true);
                int sub = generateSymbolId(ruleName);
                pos = parseAlternates(pos, ruleName, sub, true);
                lastSymStart = rule.size();
                rule.add(sub);
                if (src[pos] != ')') {
                    throw error("expecting ')'", pos);
                }
                pos = parseSpace(pos + 1, nested);
            } else if (c == '.') {
                lastSymStart = rule.size();
                rule.add(CHAR);
                pos = parseSpace(pos + 1, nested);
            } else if (c == '*' || c == '+' || c == '?') {
                pos = parseSpace(pos + 1, nested);
                repeat(rule, lastSymStart, ruleName, c == '+' ? 1 : 0, c == '?' ? 1 : -1, pos);
            } else if (c == '{') {
                pos = parseSpace(pos + 1, nested);
                if (!isDigit(src[pos])) {
                    throw error("expecting an int", pos);
                }
                int intEnd = parseInt(pos);
                int min = repetitionCount(pos, intEnd);
                pos = parseSpace(intEnd, nested);
                int max = -1;
                if (src[pos] == '}') {
                    max = min;
                    pos = parseSpace(pos + 1, nested);
                } else if (src[pos] == ',') {
                    pos = parseSpace(pos + 1, nested);
                    if (isDigit(src[pos])) {
                        int maxEnd = parseInt(pos);
                        max = repetitionCount(pos, maxEnd);
                        pos = parseSpace(maxEnd, nested);
                    }
                    if (src[pos] != '}') {
                        throw error("expecting '}'", pos);
                    }
                    pos = parseSpace(pos + 1, nested);
                } else {
                    throw error("expecting ','", pos);
                }
                repeat(rule, lastSymStart, ruleName, min, max, pos);
            } else {
                break;
            }
        }
        return pos;
    }

    /** handle_repetitions: rewrites the last symbol S into S{min,max} with generated rules. */
    private void repeat(IntList rule, int lastSymStart, String ruleName, int min, int max, int pos) {
        if (lastSymStart == rule.size()) {
            throw error("expecting preceding item to */+/?/{", pos);
        }
        int[] prev = rule.slice(lastSymStart, rule.size());
        if (min == 0) {
            rule.truncate(lastSymStart);
        } else {
            for (int i = 1; i < min; i++) {
                rule.addAll(prev);
            }
        }
        int lastRecId = 0;
        int nOpt = max < 0 ? 1 : max - min;
        for (int i = 0; i < nOpt; i++) {
            IntList rec = new IntList();
            rec.addAll(prev);
            int recId = generateSymbolId(ruleName);
            if (i > 0 || max < 0) {
                rec.add(max < 0 ? recId : lastRecId);
            }
            rec.add(ALT);
            rec.add(END);
            addRule(recId, rec.toArray());
            lastRecId = recId;
        }
        if (nOpt > 0) {
            rule.add(lastRecId);
        }
    }

    private int parseRule(int pos) {
        int nameEnd = parseName(pos);
        int p = parseSpace(nameEnd, false);
        int ruleId = getSymbolId(pos, nameEnd);
        String name = new String(src, pos, nameEnd - pos, StandardCharsets.UTF_8);
        if (!(src[p] == ':' && src[p + 1] == ':' && src[p + 2] == '=')) {
            throw error("expecting ::=", p);
        }
        p = parseSpace(p + 3, true);
        p = parseAlternates(p, name, ruleId, false);
        if (src[p] == '\r') {
            p += src[p + 1] == '\n' ? 2 : 1;
        } else if (src[p] == '\n') {
            p++;
        } else if (src[p] != 0) {
            throw error("expecting newline or end", p);
        }
        return parseSpace(p, true);
    }

    private void parse() {
        int pos = parseSpace(0, true);
        while (src[pos] != 0) {
            pos = parseRule(pos);
        }
        for (int[] rule : rules) {
            if (rule == null) {
                throw new Failure("Undefined rule");
            }
            for (int elem : rule) {
                if (elem >= 0 && (elem >= rules.size() || rules.get(elem) == null)) {
                    for (Map.Entry<String, Integer> e : symbolIds.entrySet()) {
                        if (e.getValue() == elem) {
                            throw new Failure("Undefined rule identifier '" + e.getKey() + "'");
                        }
                    }
                }
            }
        }
    }

    /** A growable int array (llama_grammar_rule without the char values). */
    private static final class IntList {
        private int[] a = new int[8];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        void addAll(int[] vs) {
            for (int v : vs) {
                add(v);
            }
        }

        int size() {
            return n;
        }

        void truncate(int size) {
            n = size;
        }

        int[] slice(int from, int to) {
            return Arrays.copyOfRange(a, from, to);
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
