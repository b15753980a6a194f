package io.github.llamapanama.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/** Reads llama-batched-bench's {@code --output-format jsonl} output, skipping anything else. */
public final class BatchedBenchParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BatchedBenchParser() {}

    /**
     * The shapes in {@code output}, in order.
     *
     * @throws IllegalArgumentException if a JSON line lacks a field, or there is none
     */
    public static List<BatchedBenchResult> parse(String output) {
        List<BatchedBenchResult> results = new ArrayList<>();
        for (String line : output.split("\\R")) {
            String l = line.strip();
            if (!l.startsWith("{")) {
                continue; // blank lines, or log text on the same stream
            }
            try {
                JsonNode n = JSON.readTree(l);
                results.add(new BatchedBenchResult(field(n, "pp").asInt(), field(n, "tg").asInt(),
                        field(n, "pl").asInt(), field(n, "n_kv").asInt(), field(n, "n_threads").asInt(),
                        field(n, "t_pp").asDouble(), field(n, "speed_pp").asDouble(), field(n, "t_tg").asDouble(),
                        field(n, "speed_tg").asDouble()));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not llama-batched-bench JSONL: " + l, e);
            }
        }
        if (results.isEmpty()) {
            throw new IllegalArgumentException("llama-batched-bench reported no shape");
        }
        return results;
    }

    private static JsonNode field(JsonNode line, String name) {
        JsonNode v = line.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("llama-batched-bench line without \"" + name + "\": " + line);
        }
        return v;
    }
}
