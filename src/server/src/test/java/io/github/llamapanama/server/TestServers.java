package io.github.llamapanama.server;

import io.github.llamapanama.fixtures.Fixtures;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;

/** Starts servers on loopback with the tiny fixtures, and talks to them over java.net.http. */
final class TestServers {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServers() {
    }

    static LlamaServer start(Consumer<ServerConfig.Builder> tweak) {
        ServerConfig.Builder b = ServerConfig.builder(Fixtures.tinyQwen2()).port(0).parallel(2).slotContextSize(512)
                .queueSize(8).threads(2);
        tweak.accept(b);
        return new LlamaServer(b.build()).start();
    }

    static URI uri(LlamaServer s, String path) {
        return URI.create("http://127.0.0.1:" + s.port() + path);
    }

    static HttpResponse<String> post(LlamaServer s, String path, String body, String key) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(LlamaServer s, String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(30)).GET();
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of an unlabelled metric in Prometheus text. */
    static double metric(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name + " in\n" + text);
    }
}
