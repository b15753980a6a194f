package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /metrics through a strict text-format parser: the histograms count the requests sent; llama-server's names are there. */
class MetricsTest {
    private static final int TOKENS = 5;

    @Test
    void histogramsCountTheRequestsAndLlamaServersNamesArePresent() throws Exception {
        try (LlamaServer server = TestServers.start(b -> b.modelName("tiny"))) {
            int promptTokens = 0;
            int requests = 0;
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = TestServers.post(server, "/v1/chat/completions",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"Question " + i + "\"}],\"ignore_eos\":true,"
                                + "\"max_tokens\":" + TOKENS + "}", null);
                assertEquals(200, r.statusCode(), r.body());
                JsonNode usage = Json.MAPPER.readTree(r.body()).get("usage");
                assertEquals(TOKENS, usage.get("completion_tokens").asInt());
                promptTokens += usage.get("prompt_tokens").asInt();
                requests++;
            }
            HttpResponse<String> r = TestServers.post(server, "/v1/completions",
                    "{\"prompt\":\"Once\",\"ignore_eos\":true,\"max_tokens\":" + TOKENS + "}", null);
            assertEquals(200, r.statusCode(), r.body());
            promptTokens += Json.MAPPER.readTree(r.body()).get("usage").get("prompt_tokens").asInt();
            requests++;

            HttpResponse<String> scrape = TestServers.get(server, "/metrics", null);
            assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            PrometheusText m = new PrometheusText(scrape.body());
            Map<String, String> model = Map.of("model", "tiny");
            Map<String, String> vllm = Map.of("model_name", "tiny");

            for (String h : List.of("llama_time_to_first_token_seconds", "llama_e2e_request_latency_seconds",
                    "llama_request_queue_time_seconds", "llama_time_per_output_token_seconds",
                    "llama_request_prompt_tokens", "llama_request_generation_tokens")) {
                assertEquals("histogram", m.family(h).type(), h);
                assertEquals(requests, m.count(h, model), h);
            }
            for (String h : List.of("vllm:time_to_first_token_seconds", "vllm:e2e_request_latency_seconds",
                    "vllm:request_queue_time_seconds", "vllm:request_time_per_output_token_seconds",
                    "vllm:request_prompt_tokens", "vllm:request_generation_tokens")) {
                assertEquals(requests, m.count(h, vllm), h);
            }
            assertEquals(requests * TOKENS, m.sum("llama_request_generation_tokens", model));
            assertEquals(promptTokens, m.sum("llama_request_prompt_tokens", model), "usage's prompt tokens");
            assertEquals(requests * (TOKENS - 1), m.count("vllm:inter_token_latency_seconds", vllm), "one per gap");
            double e2e = m.sum("llama_e2e_request_latency_seconds", model);
            double ttft = m.sum("llama_time_to_first_token_seconds", model);
            assertTrue(e2e > 0 && ttft > 0 && ttft <= e2e, "ttft " + ttft + " <= e2e " + e2e);
            // a bucket of the latency histogram counts what lies below its bound
            assertEquals(requests, m.family("llama_e2e_request_latency_seconds")
                    .value("llama_e2e_request_latency_seconds_bucket", Map.of("model", "tiny", "le", "+Inf")));

            // llama-server's names, next to ours
            assertEquals(requests * TOKENS, m.family("llamacpp:tokens_predicted_total").value("llamacpp:tokens_predicted_total", Map.of()));
            for (String name : List.of("llamacpp:prompt_tokens_total", "llamacpp:prompt_seconds_total",
                    "llamacpp:tokens_predicted_seconds_total", "llamacpp:n_decode_total", "llamacpp:n_tokens_max",
                    "llamacpp:n_busy_slots_per_decode", "llamacpp:prompt_tokens_seconds",
                    "llamacpp:predicted_tokens_seconds", "llamacpp:kv_cache_usage_ratio", "llamacpp:kv_cache_tokens",
                    "llamacpp:requests_processing", "llamacpp:requests_deferred")) {
                m.family(name).value(name, Map.of());
            }
            assertTrue(m.family("llamacpp:n_decode_total").value("llamacpp:n_decode_total", Map.of()) >= TOKENS);
            assertEquals(0, m.family("llamacpp:requests_processing").value("llamacpp:requests_processing", Map.of()));
            double kv = m.family("llama_kv_cache_usage_ratio").value("llama_kv_cache_usage_ratio", model);
            assertTrue(kv > 0 && kv <= 1, "the prompt cache keeps the answers: " + kv);
            assertEquals(1, m.family("llama_model_info").value("llama_model_info", model));
            // the counters that were there before stay, unlabelled
            assertEquals(requests * TOKENS, m.family("llama_completion_tokens_total").value("llama_completion_tokens_total", Map.of()));
            assertEquals(3, m.family("llama_requests_total").value("llama_requests_total",
                    Map.of("endpoint", "/v1/chat/completions", "status", "200")));
            assertEquals(2, m.family("llama_slots_total").value("llama_slots_total", Map.of()));
        }
    }
}
