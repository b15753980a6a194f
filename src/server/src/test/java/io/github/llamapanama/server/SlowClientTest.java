package io.github.llamapanama.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that trickle their headers or their body are disconnected within the limits, and a
 * normal request meanwhile is answered. Bounded: 200 sockets on loopback for a few seconds.
 */
class SlowClientTest {
    private static final int SOCKETS = 200;

    private static final class Slow {
        final Socket socket;
        final OutputStream out;
        final boolean body;
        long closedNanos;

        Slow(int port, boolean body) throws IOException {
            socket = new Socket("127.0.0.1", port);
            out = socket.getOutputStream();
            this.body = body;
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n";
            if (body) { // whole headers, then a body that never arrives in full
                head += "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"messages\":";
            } else {    // headers that never end
                head += "X-Slow: ";
            }
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** One more byte; false once the server has closed the connection. */
        boolean trickle() {
            try {
                out.write(body ? ' ' : 'a');
                out.flush();
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    @Test
    void slowHeadersAndBodiesAreClosedWithinTheLimitsWhileOthersAreServed() throws Exception {
        try (LlamaServer server = TestServers.start(b -> b.headerTimeout(Duration.ofSeconds(1))
                .bodyTimeout(Duration.ofMillis(1500)))) {
            List<Slow> slow = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < SOCKETS; i++) {
                slow.add(new Slow(server.port(), i % 2 == 1));
            }
            var normal = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return TestServers.post(server, "/v1/chat/completions",
                            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4}", null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long end = start + 10_000_000_000L;
            while (System.nanoTime() < end && slow.stream().anyMatch(s -> s.closedNanos == 0)) {
                for (Slow s : slow) {
                    if (s.closedNanos == 0 && !s.trickle()) {
                        s.closedNanos = System.nanoTime();
                    }
                }
                Thread.sleep(100);
            }
            assertEquals(200, normal.get().statusCode(), normal.get().body());
            for (Slow s : slow) {
                assertTrue(s.closedNanos != 0, (s.body ? "a slow body" : "slow headers") + " still open after 10 s");
                double seconds = (s.closedNanos - start) / 1e9;
                // the limit, the 100 ms deadline check, a write or two until the client sees the reset,
                // and a loaded machine's slack
                double limit = s.body ? 1.5 : 1.0;
                assertTrue(seconds < limit + 3, (s.body ? "body" : "headers") + " closed after " + seconds + " s");
                s.socket.close();
            }
            String metrics = TestServers.get(server, "/metrics", null).body();
            assertTrue(metrics.contains("llama_http_request_timeouts_total{phase=\"headers\"} 100"), metrics);
            assertTrue(metrics.contains("llama_http_request_timeouts_total{phase=\"body\"} 100"), metrics);
        }
    }
}
