package io.github.llamapanama.cli;

import io.github.llamapanama.Llama;
import io.github.llamapanama.model.ContextParams;
import io.github.llamapanama.server.LlamaServer;
import io.github.llamapanama.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "serve", description = "Serve the model over an OpenAI-compatible HTTP API "
        + "(/v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models, /health, /ready, /metrics). "
        + "SIGTERM drains it: no new connections, 503 on kept-alive ones, /ready 503, running requests finish "
        + "within --shutdown-grace, then exit 0.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE.gguf")
    Path model;

    @Option(names = "--mmproj", paramLabel = "FILE.gguf", description = "projector for images")
    Path mmproj;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "port, 0 = any free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = {"-np", "--parallel"}, defaultValue = "4", description = "slots decoded together (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = {"-c", "--ctx"}, defaultValue = "4096", description = "context tokens per slot (default ${DEFAULT-VALUE})")
    int ctx;

    @Option(names = "--queue", defaultValue = "64", description = "requests that may wait for a slot (default ${DEFAULT-VALUE})")
    int queue;

    @Option(names = "--api-key", description = "require 'Authorization: Bearer KEY' (default: env LLAMA_API_KEY, else none)")
    String apiKey;

    @Option(names = "--allow-files", paramLabel = "DIR", description = "directory that file: image URLs may read from")
    Path allowFiles;

    @Option(names = "--allow-remote-images", description = "fetch http(s) image URLs (public addresses only)")
    boolean allowRemoteImages;

    @Option(names = "--allow-image-host", paramLabel = "HOST|CIDR", split = ",",
            description = "a host name, address or network that remote image fetches may reach although it is "
                    + "loopback/private/link-local (repeatable)")
    List<String> allowImageHosts = new ArrayList<>();

    @Option(names = "--max-body", defaultValue = "33554432", description = "largest request body in bytes")
    long maxBody;

    @Option(names = "--max-images", defaultValue = "8", description = "most images per request")
    int maxImages;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "CPU threads (default: llama.cpp's)")
    int threads;

    @Option(names = {"-ngl", "--gpu-layers"}, defaultValue = "0", description = "layers to offload to the GPU, -1 for all")
    int gpuLayers;

    @Option(names = "--no-cache-prompt", description = "evaluate every prompt whole instead of reusing the longest "
            + "prefix a slot's KV cache holds")
    boolean noCachePrompt;

    @Option(names = "--image-cache", defaultValue = "128", paramLabel = "MB",
            description = "size of the cache of encoded images, shared by all slots; 0 = off (default ${DEFAULT-VALUE})")
    long imageCacheMb;

    @Option(names = "--prefill-chunk", defaultValue = "128", paramLabel = "TOKENS",
            description = "most prompt tokens evaluated per step, between the running streams' tokens; "
                    + "with none running, a whole batch (default ${DEFAULT-VALUE})")
    int prefillChunk;

    @Option(names = "--max-tiles", defaultValue = "1", paramLabel = "N",
            description = "cut each image into up to N 448x448 tiles plus a thumbnail, as InternVL's dynamic "
                    + "preprocessing (default ${DEFAULT-VALUE}: one tile, as llama.cpp)")
    int maxTiles;

    @Option(names = "--chat-template-file", paramLabel = "FILE.jinja",
            description = "Jinja chat template to use instead of the model's own")
    java.nio.file.Path chatTemplateFile;

    @Option(names = {"-dt", "--defrag-thold"}, defaultValue = "" + ContextParams.TOOLS_DEFRAG_THRESHOLD,
            paramLabel = "FRACTION",
            description = "compact the KV cache when its holes exceed this fraction, <= 0 never (default ${DEFAULT-VALUE})")
    float defragThold;

    @Option(names = {"-v", "--verbose"}, description = "show llama.cpp's and mtmd's log")
    boolean verbose;

    @Option(names = "--shutdown-grace", defaultValue = "30", paramLabel = "SECONDS",
            description = "on SIGTERM (or SIGINT), stop accepting and let running requests finish for this long; "
                    + "streams still running then end with a last chunk and [DONE]. A second signal exits at once "
                    + "(default ${DEFAULT-VALUE})")
    double shutdownGrace;

    @Option(names = "--header-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "close a connection whose request headers take longer (default ${DEFAULT-VALUE})")
    double headerTimeout;

    @Option(names = "--body-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "close a connection whose request body takes longer to arrive (default ${DEFAULT-VALUE})")
    double bodyTimeout;

    @Option(names = "--idle-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "close kept-alive connections idle this long, and new ones that send nothing "
                    + "(default ${DEFAULT-VALUE})")
    long idleTimeout;

    @Option(names = "--max-connections", defaultValue = "0", paramLabel = "N",
            description = "most open connections, more are closed on accept; 0 = 3/4 of the file-descriptor limit "
                    + "(default ${DEFAULT-VALUE})")
    int maxConnections;

    private static java.time.Duration seconds(double s, String option) {
        if (!(s >= 0) || s > 1e9) {
            throw new IllegalArgumentException(option + " must be a number of seconds >= 0, was " + s);
        }
        return java.time.Duration.ofNanos(Math.round(s * 1e9));
    }

    private String chatTemplate() {
        if (chatTemplateFile == null) {
            return null;
        }
        try {
            return java.nio.file.Files.readString(chatTemplateFile);
        } catch (java.io.IOException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "cannot read the chat template " + chatTemplateFile + ": " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        if (verbose) {
            Llama.setLogLevel(System.Logger.Level.INFO);
        }
        String key = apiKey != null ? apiKey : System.getenv("LLAMA_API_KEY");
        ServerConfig config = ServerConfig.builder(model).projector(mmproj).host(host).port(port).parallel(parallel)
                .slotContextSize(ctx).queueSize(queue).apiKey(key == null || key.isBlank() ? null : key)
                .allowedFileDirectory(allowFiles).maxBodyBytes(maxBody).maxImages(maxImages).threads(threads)
                .gpuLayers(gpuLayers).promptCache(!noCachePrompt).imageCacheMb(imageCacheMb).prefillChunk(prefillChunk)
                .maxTiles(maxTiles).allowRemoteImages(allowRemoteImages).allowedImageHosts(allowImageHosts)
                .chatTemplate(chatTemplate()).defragThreshold(defragThold)
                .shutdownGrace(seconds(shutdownGrace, "--shutdown-grace"))
                .headerTimeout(seconds(headerTimeout, "--header-timeout"))
                .bodyTimeout(seconds(bodyTimeout, "--body-timeout"))
                .idleTimeout(java.time.Duration.ofSeconds(idleTimeout)).maxConnections(maxConnections).build();
        LlamaServer server = new LlamaServer(config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "llama-server-shutdown"));
        onTermination(server);
        System.err.printf("serving %s on http://%s:%d/v1 (%d slots x %d tokens)%n", config.modelName(), host,
                server.port(), parallel, ctx);
        System.err.flush();
        server.awaitTermination();
        return 0;
    }

    /**
     * SIGTERM and SIGINT drain the server (the JVM's default would run the shutdown hooks and exit
     * with 143, cutting every stream): it stops accepting, running requests finish within the
     * grace, and {@link #call()} returns 0. A second signal exits at once, with 143.
     */
    private static void onTermination(LlamaServer server) {
        java.util.concurrent.atomic.AtomicInteger signals = new java.util.concurrent.atomic.AtomicInteger();
        sun.misc.SignalHandler handler = sig -> {
            if (signals.incrementAndGet() == 1) {
                System.err.printf("SIG%s: draining (at most %s); a second signal exits at once%n", sig.getName(),
                        server.config().shutdownGrace());
                Thread.ofPlatform().name("llama-drain").start(() -> {
                    server.drain();
                    System.err.println("drained");
                });
            } else {
                System.err.printf("SIG%s again: exiting now%n", sig.getName());
                Runtime.getRuntime().halt(143);
            }
        };
        for (String name : new String[]{"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), handler);
            } catch (IllegalArgumentException e) {
                // not on this platform, or the JVM uses it (-Xrs): the default stays
            }
        }
    }
}
