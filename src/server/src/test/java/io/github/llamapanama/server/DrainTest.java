package io.github.llamapanama.server;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LlamaServer#close(Duration)}: stop accepting, 503 on kept-alive connections, streams end whole. */
class DrainTest {

    static final String LONG_STREAM = "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell a long story\"}],"
            + "\"stream\":true,\"ignore_eos\":true,\"max_tokens\":100000}";

    @Test
    void aStreamCutAtTheEndOfTheGraceGetsAFinishReasonAndDone() throws Exception {
        LlamaServer server = TestServers.start(b -> b.parallel(2).slotContextSize(16384));
        try (RawHttp keptAlive = new RawHttp(server.port()); RawHttp probe = new RawHttp(server.port())) {
            assertEquals(200, keptAlive.get("/health").status());
            assertEquals(200, probe.get("/ready").status());
            HttpResponse<Stream<String>> stream = TestServers.HTTP.send(
                    HttpRequest.newBuilder(TestServers.uri(server, "/v1/chat/completions")).timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(LONG_STREAM)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, stream.statusCode());
            Iterator<String> lines = stream.body().iterator();
            List<String> data = new ArrayList<>();
            while (data.size() < 3) { // the role chunk and some content: it runs
                String l = lines.next();
                if (l.startsWith("data: ")) {
                    data.add(l);
                }
            }
            long t0 = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.close(Duration.ofSeconds(2)));
            while (!server.isDraining()) {
                Thread.sleep(5);
            }
            RawHttp.Response ready = probe.get("/ready");
            assertEquals(503, ready.status(), ready.body());
            assertEquals(200, probe.get("/health").status(), "/health keeps llama-server's meaning");
            RawHttp.Response metrics = probe.get("/metrics");
            assertEquals(200, metrics.status(), "metrics are scraped while draining");
            assertEquals(1, TestServers.metric(metrics.body(), "llama_draining"));
            RawHttp.Response refused = keptAlive.post("/v1/chat/completions",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}");
            assertEquals(503, refused.status(), refused.body());
            assertTrue(refused.headers().containsKey("Retry-After"), refused.headers().toString());
            assertTrue(refused.body().contains("shutting_down"), refused.body());
            assertTrue(keptAlive.closedByServer(), "a 503 while draining closes its connection");
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", server.port()).close(),
                    "no new connections");

            lines.forEachRemaining(l -> {
                if (l.startsWith("data: ")) {
                    data.add(l);
                }
            });
            assertEquals("data: [DONE]", data.getLast(), data.getLast());
            String last = data.get(data.size() - 2);
            assertTrue(last.contains("\"finish_reason\":\"length\""), last);
            closing.get(30, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds >= 1.9 && seconds < 10, "the stream ran for the grace, then ended: " + seconds + " s");
        } finally {
            server.close();
        }
    }

    @Test
    void aStreamThatEndsInTheGraceEndsNormallyAndAHalfSentRequestIsNotWaitedFor() throws Exception {
        LlamaServer server = TestServers.start(b -> b.parallel(2).slotContextSize(512));
        try {
            CompletableFuture<HttpResponse<Stream<String>>> call = TestServers.HTTP.sendAsync(
                    HttpRequest.newBuilder(TestServers.uri(server, "/v1/chat/completions")).timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,"
                                            + "\"ignore_eos\":true,\"max_tokens\":64}")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            HttpResponse<Stream<String>> r = call.get(60, TimeUnit.SECONDS);
            // a client still sending its body is not waited for
            Socket halfSent = new Socket("127.0.0.1", server.port());
            halfSent.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            halfSent.getOutputStream().flush();
            Thread.sleep(300);
            long t0 = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.close(Duration.ofSeconds(30)));
            List<String> data = r.body().filter(l -> l.startsWith("data: ")).toList();
            assertEquals("data: [DONE]", data.getLast());
            assertTrue(data.get(data.size() - 2).contains("\"finish_reason\":\"length\""), "max_tokens");
            closing.get(30, TimeUnit.SECONDS);
            assertTrue((System.nanoTime() - t0) / 1e9 < 10, "closes once the stream ended, not after the grace");
            halfSent.setSoTimeout(5000);
            assertEquals(-1, halfSent.getInputStream().read(), "the half-sent request's connection is closed");
            halfSent.close();
        } finally {
            server.close();
        }
    }
}
