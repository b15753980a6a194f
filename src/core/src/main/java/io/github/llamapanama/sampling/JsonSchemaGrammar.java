package io.github.llamapanama.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles the common subset of JSON Schema into a GBNF grammar, so that sampling can only
 * produce conforming JSON: objects with properties/required (properties in declared order,
 * optional ones may be left out), string (enum, minLength/maxLength), number, integer, boolean,
 * null, arrays with items (minItems/maxItems), anyOf/oneOf, const and enum. A keyword outside
 * the subset is refused ({@link UnsupportedSchemaException}) rather than silently ignored, since
 * ignoring it would let the output break the caller's schema.
 *
 * <p>{@link #compile} and {@link #anyObject} give whole grammars; an instance composes several
 * schemas into one grammar (tool calls: one schema per tool inside a fixed frame):
 * {@snippet :
 * JsonSchemaGrammar g = JsonSchemaGrammar.create();
 * String args = g.schema(parametersSchema);           // a rule name
 * String grammar = g.grammar(JsonSchemaGrammar.literal("<call>") + " ws " + args);
 * }
 */
public final class JsonSchemaGrammar {
    /** Keywords with no effect on the grammar. */
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "$schema", "$id", "default",
            "examples", "$comment", "deprecated", "readOnly", "writeOnly", "strict", "name");
    private static final Set<String> SUPPORTED = Set.of("type", "properties", "required", "additionalProperties",
            "items", "enum", "const", "anyOf", "oneOf", "minLength", "maxLength", "minItems", "maxItems");

    /** The schema uses something the compiler does not support; the message names it and where. */
    public static final class UnsupportedSchemaException extends IllegalArgumentException {
        public UnsupportedSchemaException(String message) {
            super(message);
        }
    }

    // Whitespace is bounded: an unconstrained model could otherwise emit spaces until max_tokens.
    private static final String PRIMITIVES = """
            ws ::= [ \\t\\n]{0,8}
            boolean ::= "true" | "false"
            null ::= "null"
            integer ::= "-"? ([0-9] | [1-9] [0-9]{1,15})
            number ::= "-"? ([0-9] | [1-9] [0-9]{1,15}) ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})?
            char ::= [^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4})
            string ::= "\\"" char* "\\""
            value ::= object | array | string | number | boolean | null
            object ::= "{" ws ( string ws ":" ws value ws ( "," ws string ws ":" ws value ws )* )? "}"
            array ::= "[" ws ( value ws ( "," ws value ws )* )? "]"
            """;

    private final Map<String, String> rules = new LinkedHashMap<>();
    private int counter;
    private int maxWhitespace = 8;

    private JsonSchemaGrammar() {
    }

    /** A grammar for any JSON object ({@code response_format: json_object}). */
    public static String anyObject() {
        return "root ::= ws object ws\n" + PRIMITIVES;
    }

    /**
     * A grammar for JSON matching {@code schema}.
     *
     * @throws UnsupportedSchemaException if the schema uses a keyword outside the subset
     */
    public static String compile(JsonNode schema) {
        JsonSchemaGrammar g = new JsonSchemaGrammar();
        return g.grammar("ws " + g.schema(schema) + " ws");
    }

    /** An empty composition: add schemas and rules, then make the {@link #grammar}. */
    public static JsonSchemaGrammar create() {
        return new JsonSchemaGrammar();
    }

    /**
     * Adds the rules for {@code schema} and returns the GBNF expression (a rule name) that
     * matches it. The primitive rules {@code ws}, {@code value}, {@code object}, {@code array},
     * {@code string}, {@code number}, {@code integer}, {@code boolean} and {@code null} are always there.
     *
     * @throws UnsupportedSchemaException if the schema uses a keyword outside the subset
     */
    public String schema(JsonNode schema) {
        return visit(schema, "#");
    }

    /** Adds a rule with this GBNF body under a fresh name and returns the name. */
    public String rule(String body) {
        return define("r" + (counter++), body);
    }

    /**
     * Bounds each run of whitespace ({@code ws}) to {@code n} characters (default 8); a small
     * bound keeps a weak model from spending its tokens on spaces.
     */
    public JsonSchemaGrammar maxWhitespace(int n) {
        if (n < 0 || n > 64) {
            throw new IllegalArgumentException("maxWhitespace must be in [0, 64], was " + n);
        }
        maxWhitespace = n;
        return this;
    }

    /** The whole grammar: {@code root ::= rootBody}, the rules added so far and the primitives. */
    public String grammar(String rootBody) {
        StringBuilder out = new StringBuilder("root ::= ").append(rootBody).append('\n');
        rules.forEach((name, body) -> out.append(name).append(" ::= ").append(body).append('\n'));
        return out.append(PRIMITIVES.replace("[ \\t\\n]{0,8}", "[ \\t\\n]{0," + maxWhitespace + "}")).toString();
    }

    /** A GBNF literal matching exactly {@code text}. */
    public static String literal(String text) {
        return quote(text);
    }

    /** Returns a GBNF expression (usually a rule name) for {@code schema}. */
    private String visit(JsonNode schema, String path) {
        if (schema.isBoolean()) {
            if (schema.booleanValue()) {
                return "value";
            }
            throw new UnsupportedSchemaException("the schema at " + path + " is 'false': nothing matches it");
        }
        if (!schema.isObject()) {
            throw new UnsupportedSchemaException("the schema at " + path + " must be an object");
        }
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!SUPPORTED.contains(key) && !ANNOTATIONS.contains(key)) {
                throw new UnsupportedSchemaException("unsupported JSON schema keyword '" + key + "' at " + path
                        + " (supported: " + String.join(", ", new java.util.TreeSet<>(SUPPORTED)) + ")");
            }
        }
        if (schema.has("const")) {
            return literal(schema.get("const"));
        }
        if (schema.has("enum")) {
            JsonNode values = schema.get("enum");
            if (!values.isArray() || values.isEmpty()) {
                throw new UnsupportedSchemaException("'enum' at " + path + " must be a non-empty array");
            }
            List<String> alts = new ArrayList<>();
            values.forEach(v -> alts.add(literal(v)));
            return rule(path, String.join(" | ", alts));
        }
        for (String key : List.of("anyOf", "oneOf")) {
            if (schema.has(key)) {
                JsonNode options = schema.get(key);
                if (!options.isArray() || options.isEmpty()) {
                    throw new UnsupportedSchemaException("'" + key + "' at " + path + " must be a non-empty array");
                }
                List<String> alts = new ArrayList<>();
                for (int i = 0; i < options.size(); i++) {
                    alts.add(visit(options.get(i), path + "/" + key + "/" + i));
                }
                return rule(path, String.join(" | ", alts));
            }
        }
        JsonNode type = schema.get("type");
        if (type == null) {
            if (schema.has("properties")) {
                return object(schema, path);
            }
            if (schema.has("items")) {
                return array(schema, path);
            }
            return "value";
        }
        if (type.isArray()) {
            List<String> alts = new ArrayList<>();
            for (JsonNode t : type) {
                alts.add(typed(t.asText(), schema, path));
            }
            return rule(path, String.join(" | ", alts));
        }
        return typed(type.asText(), schema, path);
    }

    private String typed(String type, JsonNode schema, String path) {
        return switch (type) {
            case "object" -> object(schema, path);
            case "array" -> array(schema, path);
            case "string" -> string(schema, path);
            case "number", "integer", "boolean", "null" -> type;
            default -> throw new UnsupportedSchemaException("unknown type '" + type + "' at " + path);
        };
    }

    private String string(JsonNode schema, String path) {
        int min = bound(schema, "minLength", 0, path);
        int max = bound(schema, "maxLength", -1, path);
        if (min == 0 && max < 0) {
            return "string";
        }
        check(max < 0 || max >= min, "maxLength is below minLength at " + path);
        return rule(path, "\"\\\"\" char{" + min + "," + (max < 0 ? "" : max) + "} \"\\\"\"");
    }

    private String array(JsonNode schema, String path) {
        String item = schema.has("items") ? visit(schema.get("items"), path + "/items") : "value";
        int min = bound(schema, "minItems", 0, path);
        int max = bound(schema, "maxItems", -1, path);
        check(max < 0 || max >= min, "maxItems is below minItems at " + path);
        String more = "( \",\" ws " + item + " ws )";
        String body;
        if (max == 0) {
            body = "\"[\" ws \"]\"";
        } else if (min == 0) {
            body = "\"[\" ws ( " + item + " ws " + more + "{0," + (max < 0 ? "" : max - 1) + "} )? \"]\"";
        } else {
            body = "\"[\" ws " + item + " ws " + more + "{" + (min - 1) + "," + (max < 0 ? "" : max - 1) + "} \"]\"";
        }
        return rule(path, body);
    }

    private String object(JsonNode schema, String path) {
        JsonNode props = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        if (additional != null && !(additional.isBoolean() && !additional.booleanValue())) {
            if (props == null || props.isEmpty()) {
                if (additional.isBoolean()) {
                    return "object";
                }
            }
            throw new UnsupportedSchemaException("'additionalProperties' at " + path
                    + " is supported only as false (or true without properties)");
        }
        if (props == null || props.isEmpty()) {
            check(!schema.has("required") || schema.get("required").isEmpty(),
                    "'required' without 'properties' at " + path);
            return additional == null ? "object" : rule(path, "\"{\" ws \"}\"");
        }
        check(props.isObject(), "'properties' at " + path + " must be an object");
        Set<String> required = new LinkedHashSet<>();
        if (schema.has("required")) {
            JsonNode r = schema.get("required");
            check(r.isArray(), "'required' at " + path + " must be an array");
            r.forEach(n -> required.add(n.asText()));
            for (String name : required) {
                check(props.has(name), "required property '" + name + "' at " + path + " is not in 'properties'");
            }
        }
        List<String> pairs = new ArrayList<>();
        List<Boolean> needed = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = visit(e.getValue(), path + "/properties/" + e.getKey());
            pairs.add(quote(JsonNodeFactory.instance.textNode(e.getKey()).toString()) + " ws \":\" ws " + value);
            needed.add(required.contains(e.getKey()));
        }
        // rest_i: properties i.. after at least one was written (each needs a comma);
        // first_i: properties i.. when none was written yet.
        String base = name(path);
        int n = pairs.size();
        String[] rest = new String[n + 1];
        String[] first = new String[n + 1];
        rest[n] = "";
        first[n] = "";
        for (int i = n - 1; i >= 0; i--) {
            String pair = pairs.get(i) + " ws";
            String restNext = rest[i + 1].isEmpty() ? "" : " " + rest[i + 1];
            String r = needed.get(i) ? "\",\" ws " + pair + restNext : "( \",\" ws " + pair + " )?" + restNext;
            rest[i] = define(base + "-r" + i, r);
            String f = needed.get(i) ? pair + restNext
                    : "( " + pair + restNext + " )" + (first[i + 1].isEmpty() ? "?" : " | " + first[i + 1]);
            first[i] = define(base + "-f" + i, f);
        }
        return rule(path, "\"{\" ws " + first[0] + " \"}\"");
    }

    private static int bound(JsonNode schema, String key, int fallback, String path) {
        JsonNode v = schema.get(key);
        if (v == null) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 0 || v.intValue() > 10_000) {
            throw new UnsupportedSchemaException("'" + key + "' at " + path + " must be an integer in [0, 10000]");
        }
        return v.intValue();
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new UnsupportedSchemaException(message);
        }
    }

    private String rule(String path, String body) {
        return define(name(path), body);
    }

    private String define(String name, String body) {
        rules.put(name, body);
        return name;
    }

    /** A fresh rule name; GBNF names are [a-zA-Z0-9-]. */
    private String name(String path) {
        return "s" + (counter++);
    }

    /** A GBNF literal matching exactly the JSON text of {@code value}. */
    private static String literal(JsonNode value) {
        return quote(value.toString());
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\x%02X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
