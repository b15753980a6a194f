package io.github.llamapanama.server;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many clients share the slots; leaving clients free theirs; a full queue answers 503. */
class ContinuousBatchingTest {

    @Test
    void sixteenStreamingClientsAllCompleteInSharedBatches() throws Exception {
        try (LlamaServer server = TestServers.start(b -> b.parallel(4).slotContextSize(256).queueSize(32))) {
            List<CompletableFuture<HttpResponse<java.util.stream.Stream<String>>>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"Client " + i + " says hi\"}],"
                        + "\"stream\":true,\"max_tokens\":24,\"temperature\":0.8,\"seed\":" + i + "}";
                calls.add(TestServers.HTTP.sendAsync(HttpRequest.newBuilder(TestServers.uri(server, "/v1/chat/completions"))
                        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofLines()));
            }
            for (var call : calls) {
                HttpResponse<java.util.stream.Stream<String>> r = call.get(90, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode());
                List<String> data = r.body().filter(l -> l.startsWith("data: ")).toList();
                assertEquals("data: [DONE]", data.getLast());
                assertTrue(data.size() >= 3, "role, pieces, finish: " + data);
            }
            String metrics = TestServers.get(server, "/metrics", null).body();
            assertTrue(TestServers.metric(metrics, "llama_batch_sequences_max") > 1, metrics);
            assertEquals(0, TestServers.metric(metrics, "llama_slots_active"), metrics);
            assertEquals(0, TestServers.metric(metrics, "llama_queue_depth"), metrics);
            assertTrue(TestServers.metric(metrics, "llama_completion_tokens_total") >= 16, metrics);
            assertTrue(metrics.contains("llama_requests_total{endpoint=\"/v1/chat/completions\",status=\"200\"} 16"), metrics);
        }
    }

    /** A raw streaming request whose socket the test closes after a few events. */
    private static Socket openStream(LlamaServer server, int maxTokens) throws Exception {
        String body = "{\"prompt\":\"Once upon a time\",\"stream\":true,\"ignore_eos\":true,\"max_tokens\":" + maxTokens + "}";
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        String status = in.readLine();
        assertTrue(status.contains(" 200 "), status);
        int events = 0;
        for (String line; events < 3 && (line = in.readLine()) != null; ) {
            if (line.contains("data: {")) {
                events++;
            }
        }
        assertEquals(3, events);
        return s;
    }

    private static String waitForMetric(LlamaServer server, String name, double value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String metrics;
        do {
            metrics = TestServers.get(server, "/metrics", null).body();
            if (TestServers.metric(metrics, name) == value) {
                return metrics;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(name + " never became " + value + ":\n" + metrics);
    }

    @Test
    void aDisconnectingClientFreesItsSlotAndAFullQueueAnswers503() throws Exception {
        try (LlamaServer server = TestServers.start(b -> b.parallel(1).slotContextSize(4096).queueSize(1))) {
            Socket first = openStream(server, 4000);
            waitForMetric(server, "llama_slots_active", 1);
            // The only slot is busy: one request may wait, the next is refused.
            CompletableFuture<HttpResponse<String>> waiting = TestServers.HTTP.sendAsync(
                    HttpRequest.newBuilder(TestServers.uri(server, "/v1/completions")).timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"Hi\",\"max_tokens\":4}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            waitForMetric(server, "llama_queue_depth", 1);
            HttpResponse<String> refused = TestServers.post(server, "/v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":4}", null);
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("\"code\":\"queue_full\""), refused.body());

            first.close(); // the client leaves mid-stream
            HttpResponse<String> served = waiting.get(30, TimeUnit.SECONDS);
            assertEquals(200, served.statusCode(), served.body());
            String metrics = waitForMetric(server, "llama_slots_active", 0);
            assertTrue(TestServers.metric(metrics, "llama_completion_tokens_total") < 3000,
                    "the abandoned generation stopped early:\n" + metrics);
            HttpResponse<String> after = TestServers.post(server, "/v1/completions", "{\"prompt\":\"Again\",\"max_tokens\":4}", null);
            assertEquals(200, after.statusCode(), after.body());
        }
    }
}
