package io.github.llamapanama.server;

import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.embedding.Embedder;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.PoolingType;
import io.github.llamapanama.vision.MediaLimits;
import io.github.llamapanama.vision.Projector;

import java.util.List;

/** What the endpoints share: the model, its template, the scheduler, limits and metrics. */
final class Engine implements AutoCloseable {
    final ServerConfig config;
    final Model model;
    final Projector projector; // null: text only
    final ChatTemplate template;
    final Scheduler scheduler;
    final Metrics metrics;
    final ImageSource images;
    final MediaLimits mediaLimits;
    final long created = System.currentTimeMillis() / 1000;
    private Embedder embedder; // on its own context, made on first use

    Engine(ServerConfig config, Model model, Projector projector, Scheduler scheduler) {
        this.config = config;
        this.model = model;
        this.projector = projector;
        this.template = config.chatTemplate() != null ? ChatTemplate.of(config.chatTemplate(), model)
                : ChatTemplate.of(model, "chatml");
        this.template.warmUp(); // the Jinja engine loads at start, not in the first request
        this.scheduler = scheduler;
        this.metrics = scheduler.metrics();
        this.images = new ImageSource(config.maxImageBytes(), config.allowedFileDirectory(), config.fetchTimeout(),
                config.allowRemoteImages() ? config.allowedImageHosts() : null);
        this.mediaLimits = new MediaLimits(config.maxImageBytes(), 16384, 64L << 20);
    }

    /** Embeds on the embedder's own context; one request at a time, beside the scheduler. */
    synchronized List<float[]> embed(List<String> texts) {
        if (embedder == null) {
            embedder = Embedder.create(model, PoolingType.UNSPECIFIED);
        }
        return embedder.embed(texts, true);
    }

    @Override
    public synchronized void close() {
        if (embedder != null) {
            embedder.close();
            embedder = null;
        }
    }
}
