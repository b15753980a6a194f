package io.github.llamapanama.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** One HTTP exchange with the status it was answered with (for metrics) and bounded body reading. */
final class Exchange {
    final HttpExchange http;
    private int status;

    Exchange(HttpExchange http) {
        this.http = http;
    }

    int status() {
        return status;
    }

    boolean responded() {
        return status != 0;
    }

    /**
     * Reads the body, at most {@code limit} bytes; a larger one is 413. Some of an oversized
     * body is drained first so that the client, still sending, can read the answer.
     */
    byte[] body(long limit) throws IOException {
        try {
            return readBody(limit);
        } finally {
            RequestDeadlines.bodyRead();
        }
    }

    private byte[] readBody(long limit) throws IOException {
        String length = http.getRequestHeaders().getFirst("Content-Length");
        try (InputStream in = http.getRequestBody()) {
            if (length != null) {
                long n;
                try {
                    n = Long.parseLong(length.trim());
                } catch (NumberFormatException e) {
                    throw ApiException.invalid("bad Content-Length", null);
                }
                if (n > limit) {
                    drain(in, Math.min(n, 2 * limit + (1 << 20)));
                    throw tooLarge(limit);
                }
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                drain(in, limit + (1 << 20));
                throw tooLarge(limit);
            }
            return body;
        }
    }

    private static void drain(InputStream in, long max) throws IOException {
        byte[] buf = new byte[64 << 10];
        long total = 0;
        for (int r; total < max && (r = in.read(buf)) > 0; ) {
            total += r;
        }
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(413, "invalid_request_error", "the request body is larger than the limit of "
                + limit + " bytes", null, "request_too_large");
    }

    void sendJson(int code, JsonNode body) throws IOException {
        send(code, "application/json", Json.MAPPER.writeValueAsBytes(body));
    }

    void send(int code, String contentType, byte[] bytes) throws IOException {
        status = code;
        http.getResponseHeaders().set("Content-Type", contentType);
        http.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = http.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    void sendError(ApiException e) throws IOException {
        sendJson(e.status, ErrorBody.of(e));
    }

    /** Starts a server-sent event stream; write events with {@link #event}. */
    OutputStream startEvents() throws IOException {
        status = 200;
        http.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        http.getResponseHeaders().set("Cache-Control", "no-cache");
        http.sendResponseHeaders(200, 0);
        return http.getResponseBody();
    }

    /** Writes {@code data: <payload>} and flushes; throws when the client is gone. */
    static void event(OutputStream out, String payload) throws IOException {
        out.write(("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
