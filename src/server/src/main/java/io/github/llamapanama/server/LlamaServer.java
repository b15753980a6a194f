package io.github.llamapanama.server;

import com.sun.net.httpserver.HttpServer;
import io.github.llamapanama.model.Context;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.ModelParams;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.ProjectorParams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * An OpenAI-compatible HTTP server for one model (and optionally its projector, for images):
 * {@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings},
 * {@code /v1/models}, {@code /health}, {@code /ready} and {@code /metrics}. Requests share one context by
 * continuous batching: {@link ServerConfig#parallel()} slots, each its own sequence, decoded
 * together one token per step by a single scheduler thread; HTTP runs on virtual threads.
 *
 * {@snippet :
 * try (LlamaServer server = new LlamaServer(ServerConfig.builder(Path.of("model.gguf")).port(0).build())) {
 *     server.start();
 *     System.out.println("http://127.0.0.1:" + server.port() + "/v1");
 *     server.awaitTermination();
 * }
 * }
 */
public final class LlamaServer implements AutoCloseable {
    private final ServerConfig config;
    private Model model;
    private Projector projector;
    private Context context;
    private Scheduler scheduler;
    private Engine engine;
    private HttpServer http;
    private Router router;
    private RequestDeadlines executor;
    private volatile boolean closed;
    private volatile boolean draining;

    public LlamaServer(ServerConfig config) {
        this.config = config;
    }

    /**
     * Loads the model (and projector), starts the scheduler and binds the port.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public synchronized LlamaServer start() {
        if (http != null || closed) {
            throw new IllegalStateException(closed ? "the server is closed" : "the server is already started");
        }
        try {
            model = Model.load(config.model(), ModelParams.builder().gpuLayers(config.gpuLayers()).build());
            if (config.projector() != null) {
                ProjectorParams p = ProjectorParams.defaults().withUseGpu(config.gpuLayers() != 0);
                projector = Projector.load(config.projector(), model, config.threads() > 0 ? p.withThreads(config.threads()) : p);
            }
            ContextParams.Builder cp = ContextParams.builder().contextSize(config.parallel() * config.slotContextSize())
                    .maxSequences(config.parallel()).defragThreshold(config.defragThreshold());
            if (config.threads() > 0) {
                cp.threads(config.threads());
            }
            context = model.newContext(cp.build());
            scheduler = new Scheduler(context, projector, config);
            engine = new Engine(config, model, projector, scheduler);
            InfoEndpoints info = new InfoEndpoints(engine);
            router = new Router(Map.of(
                    "/v1/chat/completions", new Router.Route("POST", true, new ChatCompletionsHandler(engine)),
                    "/v1/completions", new Router.Route("POST", true, new CompletionsHandler(engine)),
                    "/v1/embeddings", new Router.Route("POST", true, new EmbeddingsHandler(engine)),
                    "/v1/models", new Router.Route("GET", true, info::models),
                    "/health", new Router.Route("GET", false, info::health),
                    "/ready", new Router.Route("GET", false, this::ready),
                    "/metrics", new Router.Route("GET", true, info::metrics)), config.apiKey(), engine.metrics,
                    executor = new RequestDeadlines(config.headerTimeout(), config.bodyTimeout()), () -> draining);
            engine.metrics.deadlines = executor;
            engine.metrics.draining = () -> draining;
            HttpLimits.apply(config);
            http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
            http.setExecutor(executor);
            http.createContext("/", router);
            scheduler.start();
            http.start();
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot bind " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The bound port (the chosen one when the config asked for 0). */
    public int port() {
        if (http == null) {
            throw new IllegalStateException("the server is not started");
        }
        return http.getAddress().getPort();
    }

    /** The bound host address. */
    public String host() {
        return config.host();
    }

    public ServerConfig config() {
        return config;
    }

    /** {@code /ready}: 200 while the server takes requests, 503 while it drains (for load balancers' readiness probes). */
    private void ready(Exchange ex) throws java.io.IOException {
        boolean ready = !draining && !closed;
        ex.sendJson(ready ? 200 : 503, Json.MAPPER.createObjectNode().put("status", ready ? "ready" : "draining"));
    }

    /** Whether {@link #close(Duration)} has begun: new requests get 503 and {@code /ready} reports not ready. */
    public boolean isDraining() {
        return draining;
    }

    /** Blocks until {@link #close()} is called (from a shutdown hook, say). */
    public void awaitTermination() throws InterruptedException {
        synchronized (this) {
            while (!closed) {
                wait();
            }
        }
    }

    /**
     * Shuts down gracefully: stops accepting connections at once, answers new requests on kept-alive
     * connections with 503 and {@code Retry-After} ({@code /health}, {@code /ready} (503 now) and
     * {@code /metrics} still answer), and lets running and waiting requests finish for up to
     * {@code grace}. Streams still running then end with a last chunk ({@code finish_reason}
     * "length") and {@code [DONE]}; requests still waiting for a slot get 503. Then frees
     * everything as {@link #close()}. Returns when the server is closed; a second call (from
     * another thread) while one drains, or {@link #close()}, ends at once.
     *
     * @param grace how long running requests may take; zero cuts them now
     */
    public void close(Duration grace) {
        synchronized (this) {
            if (closed || draining) {
                if (draining && !closed) {
                    closeNow();
                }
                return;
            }
            draining = true;
        }
        HttpServer h = http;
        if (h != null) {
            // stop(delay) closes the listener now; it returns when no exchange runs, or when closeNow stops it
            Thread.ofPlatform().daemon(true).name("llama-http-stop").start(() -> h.stop(Integer.MAX_VALUE / 2));
            executor.expireReads(); // a request half sent is not waited for
            try {
                long end = System.nanoTime() + Math.max(0, grace.toNanos());
                while (router.inFlight() > 0 && System.nanoTime() - end < 0 && !closed) {
                    Thread.sleep(20);
                }
                if (router.inFlight() > 0 && !closed) {
                    scheduler.cut(); // streams end with a last chunk; the writers finish their exchanges
                    end = System.nanoTime() + CUT_SECONDS * 1_000_000_000L;
                    while (router.inFlight() > 0 && System.nanoTime() - end < 0 && !closed) {
                        Thread.sleep(20);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeNow();
    }

    /** Seconds the writers have, after the grace, to send the last chunks before connections are closed. */
    private static final int CUT_SECONDS = 3;

    /** {@link #close(Duration)} with the configured {@link ServerConfig#shutdownGrace()}. */
    public void drain() {
        close(config.shutdownGrace());
    }

    /** Stops accepting, ends running generations, and frees the context, projector and model. */
    @Override
    public void close() {
        closeNow();
    }

    private void closeNow() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll();
        }
        if (http != null) {
            http.stop(0);
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (executor != null) {
            executor.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (context != null) {
            context.close();
        }
        if (projector != null) {
            projector.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
