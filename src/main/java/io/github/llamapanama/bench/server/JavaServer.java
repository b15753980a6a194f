package io.github.llamapanama.bench.server;

import io.github.llamapanama.server.LlamaServer;
import io.github.llamapanama.server.ServerConfig;

/** llama-panama's server, started in this JVM the way an application embeds it. */
final class JavaServer implements ServerUnderTest {
    private final LlamaServer server;

    JavaServer(ServerBenchSettings s) {
        ServerConfig.Builder config = ServerConfig.builder(s.model()).port(0).parallel(s.slots())
                .slotContextSize(s.slotContext()).threads(s.threads()).maxBodyBytes(64L << 20);
        if (s.mmproj() != null) {
            config.projector(s.mmproj());
        }
        server = new LlamaServer(config.build()).start();
    }

    @Override
    public String name() {
        return "llama-panama";
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
