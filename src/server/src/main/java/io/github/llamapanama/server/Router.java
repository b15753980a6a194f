package io.github.llamapanama.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's only HttpHandler: finds the route (404 otherwise), checks the method (405) and
 * the API key (401), runs the endpoint, turns exceptions into OpenAI-shaped errors and counts
 * every request by endpoint and status.
 */
final class Router implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(Router.class.getName());

    /** One endpoint: its method, whether it needs the API key, and what it does. */
    record Route(String method, boolean authenticated, Endpoint endpoint) {
    }

    @FunctionalInterface
    interface Endpoint {
        void handle(Exchange exchange) throws IOException;
    }

    private final Map<String, Route> routes;
    private final byte[] apiKey; // SHA-256 of the key; null: open
    private final Metrics metrics;
    private final RequestDeadlines deadlines; // null: untimed
    private final BooleanSupplier draining;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    Router(Map<String, Route> routes, String apiKey, Metrics metrics) {
        this(routes, apiKey, metrics, null, () -> false);
    }

    /**
     * @param deadlines times the body of each request (the headers are timed before the handler runs)
     * @param draining  true while the server shuts down: requests other than {@code /health},
     *                  {@code /ready} and {@code /metrics} get 503 with {@code Retry-After} and the
     *                  connection is closed after the answer
     */
    Router(Map<String, Route> routes, String apiKey, Metrics metrics, RequestDeadlines deadlines,
           BooleanSupplier draining) {
        this.routes = Map.copyOf(routes);
        this.apiKey = apiKey == null ? null : sha256(apiKey);
        this.metrics = metrics;
        this.deadlines = deadlines;
        this.draining = draining;
    }

    /** Endpoints that answer while the server drains: probes and metrics. */
    static boolean answersWhileDraining(String path) {
        return path.equals("/health") || path.equals("/ready") || path.equals("/metrics");
    }

    private static boolean hasBody(HttpExchange http) {
        String length = http.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            return !length.trim().equals("0");
        }
        return http.getRequestHeaders().containsKey("Transfer-Encoding");
    }

    private static final ThreadLocal<long[]> REQUEST_START = ThreadLocal.withInitial(() -> new long[1]);

    /** {@link System#nanoTime()} when the request this thread handles arrived (its headers read); now if none. */
    static long requestStart() {
        long t = REQUEST_START.get()[0];
        return t != 0 ? t : System.nanoTime();
    }

    /** Requests whose handler runs now (their headers are read). */
    int inFlight() {
        return inFlight.get();
    }

    @Override
    public void handle(HttpExchange http) {
        inFlight.incrementAndGet();
        long[] start = REQUEST_START.get();
        start[0] = System.nanoTime();
        try {
            route(http);
        } finally {
            start[0] = 0;
            inFlight.decrementAndGet();
        }
    }

    private void route(HttpExchange http) {
        if (deadlines != null) {
            deadlines.headersRead(hasBody(http));
        }
        Exchange ex = new Exchange(http);
        String path = http.getRequestURI().getPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Route route = routes.get(path);
        String label = route == null ? "other" : path;
        try {
            if (draining.getAsBoolean() && !answersWhileDraining(path)) {
                http.getResponseHeaders().set("Retry-After", "5");
                http.getResponseHeaders().set("Connection", "close");
                throw new ApiException(503, "server_error", "the server is shutting down; retry on another instance",
                        null, "shutting_down");
            }
            if (route == null) {
                throw new ApiException(404, "invalid_request_error", "unknown route " + http.getRequestMethod() + " "
                        + path, null, "not_found");
            }
            if (!route.method().equals(http.getRequestMethod())) {
                http.getResponseHeaders().set("Allow", route.method());
                throw new ApiException(405, "invalid_request_error", path + " accepts " + route.method() + ", not "
                        + http.getRequestMethod(), null, "method_not_allowed");
            }
            if (route.authenticated()) {
                authenticate(http);
            }
            route.endpoint().handle(ex);
        } catch (ApiException e) {
            respond(ex, e);
        } catch (IOException e) {
            LOG.log(Level.FINE, "client connection failed", e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "request failed", e);
            respond(ex, new ApiException(500, "server_error", "internal error: " + e, null, null));
        } finally {
            metrics.request(label, ex.responded() ? ex.status() : RequestDeadlines.timedOut() ? 408 : 499);
            http.close();
        }
    }

    private void authenticate(HttpExchange http) {
        if (apiKey == null) {
            return;
        }
        String header = http.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "invalid_request_error", "missing API key: send 'Authorization: Bearer <key>'",
                    null, "invalid_api_key");
        }
        // both sides hashed to 32 bytes, then compared in constant time: neither the content nor
        // the length of the key shows in the time a refusal takes
        if (!MessageDigest.isEqual(sha256(header.substring(7).trim()), apiKey)) {
            throw new ApiException(401, "invalid_request_error", "incorrect API key", null, "invalid_api_key");
        }
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void respond(Exchange ex, ApiException e) {
        if (ex.responded()) {
            return; // mid-stream: the stream writer reports errors itself
        }
        try {
            ex.sendError(e);
        } catch (IOException io) {
            LOG.log(Level.FINE, "could not send an error", io);
        }
    }
}
