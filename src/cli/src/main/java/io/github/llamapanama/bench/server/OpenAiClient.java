package io.github.llamapanama.bench.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's one client for both servers: plain OpenAI chat completions over HTTP/1.1, the
 * way an SDK sends them, timing each request and, when streaming, each content delta.
 */
final class OpenAiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * A finished non-streaming request, with the server's own {@code timings} of its prompt and
     * its answer (llama-server's field, which llama-panama's server also returns; NaN if absent).
     */
    record Answer(String content, int promptTokens, int completionTokens, long nanos, double promptMillis,
                  double predictedMillis) {}

    /** A finished streaming request: the arrival time (System.nanoTime) of each content delta. */
    record Stream(String content, long sentAt, long[] deltaTimes, long doneAt) {
        int deltas() {
            return deltaTimes.length;
        }

        /** Decode speed between the first and the last delta. */
        double tokensPerSecond() {
            return deltaTimes.length < 2 ? Double.NaN
                    : (deltaTimes.length - 1) / ((deltaTimes[deltaTimes.length - 1] - deltaTimes[0]) / 1e9);
        }

        /** The longest gap between consecutive deltas that ends within [from, to], in ms. */
        double longestGapMillis(long from, long to) {
            long longest = 0;
            for (int i = 1; i < deltaTimes.length; i++) {
                if (deltaTimes[i] >= from && deltaTimes[i - 1] <= to) {
                    longest = Math.max(longest, deltaTimes[i] - deltaTimes[i - 1]);
                }
            }
            return longest / 1e6;
        }
    }

    Answer chat(String baseUrl, ObjectNode body) {
        body.put("stream", false);
        long t0 = System.nanoTime();
        HttpResponse<String> r = send(baseUrl, body, HttpResponse.BodyHandlers.ofString());
        long nanos = System.nanoTime() - t0;
        JsonNode json = read(r.statusCode(), r.body());
        JsonNode usage = json.path("usage");
        JsonNode timings = json.path("timings");
        return new Answer(json.path("choices").path(0).path("message").path("content").asText(""),
                usage.path("prompt_tokens").asInt(-1), usage.path("completion_tokens").asInt(-1), nanos,
                timings.path("prompt_ms").asDouble(Double.NaN), timings.path("predicted_ms").asDouble(Double.NaN));
    }

    /** The unlabelled samples of the server's Prometheus {@code /metrics}, by name. */
    Map<String, Double> metrics(String baseUrl) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).timeout(Duration.ofSeconds(10)).build();
        try {
            Map<String, Double> samples = new HashMap<>();
            for (String line : http.send(request, HttpResponse.BodyHandlers.ofString()).body().split("\n")) {
                String[] f = line.split(" ");
                if (f.length == 2 && !line.startsWith("#") && !f[0].contains("{")) {
                    samples.put(f[0], Double.parseDouble(f[1]));
                }
            }
            return samples;
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + baseUrl + "/metrics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Streams a chat completion; {@code onDelta} sees the count of deltas so far after each one
     * (a benchmark uses it to start a competing request at a known point).
     */
    Stream stream(String baseUrl, ObjectNode body, java.util.function.IntConsumer onDelta) {
        return stream(baseUrl, body, onDelta, () -> false);
    }

    /** As {@link #stream(String, ObjectNode, java.util.function.IntConsumer)}, hanging up once {@code stop} says so. */
    Stream stream(String baseUrl, ObjectNode body, java.util.function.IntConsumer onDelta,
                  java.util.function.BooleanSupplier stop) {
        body.put("stream", true);
        long sent = System.nanoTime();
        HttpResponse<InputStream> r = send(baseUrl, body, HttpResponse.BodyHandlers.ofInputStream());
        List<Long> times = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) {
                read(r.statusCode(), in.lines().reduce("", String::concat));
            }
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                String data = line.substring(5).strip();
                if (data.equals("[DONE]")) {
                    break;
                }
                JsonNode delta = JSON.readTree(data).path("choices").path(0).path("delta").path("content");
                if (delta.isTextual() && !delta.asText().isEmpty()) {
                    times.add(System.nanoTime());
                    text.append(delta.asText());
                    onDelta.accept(times.size());
                }
                if (stop.getAsBoolean()) {
                    break; // closing the body hangs up: the server frees the slot
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the stream from " + baseUrl, e);
        }
        return new Stream(text.toString(), sent, times.stream().mapToLong(Long::longValue).toArray(), System.nanoTime());
    }

    private <T> HttpResponse<T> send(String baseUrl, ObjectNode body, HttpResponse.BodyHandler<T> handler) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
                .timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + baseUrl + "/v1/chat/completions", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode read(int status, String body) {
        try {
            JsonNode json = JSON.readTree(body);
            if (status != 200) {
                throw new IllegalStateException("HTTP " + status + ": " + json.path("error").path("message").asText(body));
            }
            return json;
        } catch (IOException e) {
            throw new IllegalStateException("HTTP " + status + ", not JSON: " + body, e);
        }
    }

    /** GET {@code path}; the status code, or -1 when nothing answers yet. */
    int status(String baseUrl, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
