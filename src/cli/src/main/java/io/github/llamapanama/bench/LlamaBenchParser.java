package io.github.llamapanama.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads llama-bench's machine-readable output: {@code -o json} (one array of tests) or
 * {@code -o jsonl} (one test object a line).
 */
public final class LlamaBenchParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LlamaBenchParser() {}

    /**
     * The tests in {@code output}, in order.
     *
     * @throws IllegalArgumentException if it is neither format, or a test lacks a field
     */
    public static List<LlamaBenchResult> parse(String output) {
        String text = output.strip();
        List<LlamaBenchResult> results = new ArrayList<>();
        try {
            if (text.startsWith("[")) {
                for (JsonNode test : JSON.readTree(text)) {
                    results.add(test(test));
                }
            } else {
                for (String line : text.split("\\R")) {
                    if (!line.isBlank()) {
                        results.add(test(JSON.readTree(line)));
                    }
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not llama-bench JSON output: " + e.getOriginalMessage(), e);
        }
        if (results.isEmpty()) {
            throw new IllegalArgumentException("llama-bench reported no test");
        }
        return results;
    }

    private static LlamaBenchResult test(JsonNode t) {
        JsonNode ns = field(t, "samples_ns");
        long[] samples = new long[ns.size()];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = ns.get(i).asLong();
        }
        if (samples.length == 0) {
            throw new IllegalArgumentException("llama-bench test without samples: " + t);
        }
        return new LlamaBenchResult(field(t, "build_commit").asText(), field(t, "model_type").asText(),
                field(t, "n_prompt").asInt(), field(t, "n_gen").asInt(), field(t, "n_batch").asInt(),
                field(t, "n_ubatch").asInt(), field(t, "n_threads").asInt(), field(t, "type_k").asText(),
                field(t, "type_v").asText(), field(t, "flash_attn").asBoolean(), samples);
    }

    private static JsonNode field(JsonNode test, String name) {
        JsonNode v = test.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("llama-bench test without \"" + name + "\": " + test);
        }
        return v;
    }
}
