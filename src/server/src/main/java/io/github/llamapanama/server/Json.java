package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** The shared Jackson mapper and typed readers of request fields that fail with a clear 400. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode parseObject(byte[] body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (Exception e) {
            throw ApiException.invalid("the request body is not valid JSON: " + firstLine(e.getMessage()), null, "invalid_json");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.invalid("the request body must be a JSON object", null, "invalid_json");
        }
        return (ObjectNode) node;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static boolean absent(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull();
    }

    static JsonNode required(JsonNode node, String field, String path) {
        if (absent(node, field)) {
            throw ApiException.invalid("missing required parameter '" + path + "'", path, "missing_required_parameter");
        }
        return node.get(field);
    }

    static String string(JsonNode node, String field, String path, String fallback) {
        if (absent(node, field)) {
            return fallback;
        }
        JsonNode v = node.get(field);
        if (!v.isTextual()) {
            throw wrongType(path, "a string", v);
        }
        return v.textValue();
    }

    static boolean bool(JsonNode node, String field, boolean fallback) {
        if (absent(node, field)) {
            return fallback;
        }
        JsonNode v = node.get(field);
        if (!v.isBoolean()) {
            throw wrongType(field, "a boolean", v);
        }
        return v.booleanValue();
    }

    static Double number(JsonNode node, String field, double min, double max) {
        if (absent(node, field)) {
            return null;
        }
        JsonNode v = node.get(field);
        if (!v.isNumber()) {
            throw wrongType(field, "a number", v);
        }
        double d = v.doubleValue();
        if (!(d >= min && d <= max)) {
            throw ApiException.invalid("'" + field + "' must be in [" + min + ", " + max + "], was " + d, field);
        }
        return d;
    }

    static Long integer(JsonNode node, String field, long min, long max) {
        if (absent(node, field)) {
            return null;
        }
        JsonNode v = node.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw wrongType(field, "an integer", v);
        }
        long n = v.longValue();
        if (n < min || n > max) {
            throw ApiException.invalid("'" + field + "' must be in [" + min + ", " + max + "], was " + n, field);
        }
        return n;
    }

    /** A string or an array of strings (OpenAI's {@code stop} and {@code input}). */
    static List<String> stringOrArray(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        if (absent(node, field)) {
            return out;
        }
        JsonNode v = node.get(field);
        if (v.isTextual()) {
            out.add(v.textValue());
            return out;
        }
        if (!v.isArray()) {
            throw wrongType(field, "a string or an array of strings", v);
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw wrongType(field + "[" + i + "]", "a string", v.get(i));
            }
            out.add(v.get(i).textValue());
        }
        return out;
    }

    static ApiException wrongType(String path, String expected, JsonNode was) {
        return ApiException.invalid("'" + path + "' must be " + expected + ", was " + was.getNodeType().name().toLowerCase(),
                path, "invalid_type");
    }
}
