package io.github.llamapanama.sampling;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java port of llama_grammar_parser: llama.cpp's messages and symbol table. */
class GbnfParserTest {

    private static String error(String gbnf) {
        return assertThrows(GrammarException.class, () -> GbnfParser.check(gbnf, "root")).getMessage();
    }

    @Test
    void messagesAreLlamaCpps() {
        assertEquals("failed to parse grammar: expecting ::= at '= \"x\"' (line 1, column 6)", error("root = \"x\""));
        assertTrue(error("root ::= \"x").contains("unexpected end of input"));
        assertTrue(error("root ::= [a-").contains("unexpected end of input"));
        assertTrue(error("root ::= \"a\"{1,").contains("expecting '}' at end of input"));
        assertTrue(error("root ::= \"a\"{x}").contains("expecting an int at 'x}'"));
        assertTrue(error("root ::= \"a\"{1 2}").contains("expecting ',' at '2}'"));
        assertTrue(error("root ::= \"\\q\"").contains("unknown escape at '\\q\"'"));
        assertTrue(error("root ::= \"\\x4\"").contains("expecting 2 hex chars at '4\"'"));
        assertTrue(error("root ::= * \"a\"").contains("expecting preceding item to */+/?/{ at '\"a\"'"));
        assertTrue(error("root ::= (\"a\"").contains("expecting ')' at end of input"));
        assertTrue(error("root ::= \"a\" )").contains("expecting newline or end at ')' (line 1, column 14)"));
        assertTrue(error("root ::= x\nx ::= y").contains("Undefined rule identifier 'y'"));
        assertTrue(error("::= \"a\"").contains("expecting name at '::= \"a\"'"));
        assertTrue(error("# only a comment\n").contains("defines no rules"));
        assertTrue(error("x ::= \"a\"").contains("'root'"));
        assertTrue(error("root ::= \"a\"{1000000}").contains("limit"));
        // llama.cpp needs parentheses for alternates on a new line
        assertTrue(error("root ::=\n  \"a\"\n  | \"b\"").contains("expecting name at '| \"b\"' (line 3, column 3)"));
    }

    @Test
    void symbolsIncludeGeneratedRules() {
        Set<String> symbols = GbnfParser.check("root ::= (\"a\" | \"b\")+ item?\nitem ::= [0-9]{1,3}", "root");
        // ids as llama.cpp hands them out: root 0, root_1 (group) 1, root_2 (+) 2, item 3, root_4 (?) 4, ...
        assertEquals(Set.of("root", "root_1", "root_2", "item", "root_4", "item_5", "item_6"), symbols);
        assertTrue(GbnfParser.check("root ::= \"a\"", "root").contains("root"));
        GbnfParser.check("root ::= (\"a\")*", "root_1"); // a generated rule can be the start rule, as in llama.cpp
    }

    @Test
    void acceptsRealGrammars() {
        String json = """
                root   ::= object
                value  ::= object | array | string | number | ("true" | "false" | "null") ws
                object ::= "{" ws ( string ":" ws value ("," ws string ":" ws value)* )? "}" ws
                array  ::= "[" ws ( value ("," ws value)* )? "]" ws
                string ::= "\\"" ( [^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\bfnrt] | "u" [0-9a-fA-F]{4}) )* "\\"" ws
                number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9] [1-9]{0,15})? ws
                ws ::= | " " | "\\n" [ \\t]{0,20}   # comment
                """;
        GbnfParser.check(json, "root");
        GbnfParser.check("root ::= \"\u00e9t\u00e9\" [\u00e0-\u00ff]\r\n", "root");
    }
}
