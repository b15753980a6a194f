package io.github.llamapanama.spark;

import io.github.llamapanama.chat.ChatTemplate;
import io.github.llamapanama.model.Model;
import io.github.llamapanama.model.ModelParams;
import io.github.llamapanama.vision.Projector;
import io.github.llamapanama.vision.ProjectorParams;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The models of this executor JVM: each model and projector is loaded once, on the first task
 * that asks, and shared by every task of the JVM (llama.cpp runs several contexts on one model).
 * A shutdown hook closes them when the JVM exits. Contexts come from each model's
 * {@link ResourcePool}: one per concurrently running task.
 */
final class ExecutorModels {
    private static final Map<Key, Loaded> LOADED = new HashMap<>();
    private static final Map<ModelFiles, Key> RESOLVED = new HashMap<>();
    private static boolean hooked;

    private ExecutorModels() {}

    private record Key(Path model, Path mmproj, int gpuLayers) {}

    /** A model with its projector (or null) and what its tasks share. */
    static final class Loaded {
        final Model model;
        final Projector projector;
        final ChatTemplate template;
        final ResourcePool pool = new ResourcePool();

        Loaded(Model model, Projector projector) {
            this.model = model;
            this.projector = projector;
            this.template = ChatTemplate.of(model, "chatml");
        }
    }

    /** Loads on first use; {@code threads} are the projector's encoder threads (those of the first task). */
    static synchronized Loaded get(Settings settings, int threads) {
        Key key = RESOLVED.get(settings.files());
        if (key == null) {
            ModelFiles f = settings.files();
            key = new Key(f.model().resolve(), f.mmproj() == null ? null : f.mmproj().resolve(), settings.gpuLayers());
            RESOLVED.put(settings.files(), key);
        }
        Loaded loaded = LOADED.get(key);
        if (loaded == null) {
            loaded = load(key, threads);
            LOADED.put(key, loaded);
            if (!hooked) {
                Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "llama-panama-spark-close"));
                hooked = true;
            }
        }
        return loaded;
    }

    private static Loaded load(Key key, int threads) {
        Model model = Model.load(key.model(), ModelParams.builder().gpuLayers(key.gpuLayers()).build());
        try {
            Projector projector = key.mmproj() == null ? null
                    : Projector.load(key.mmproj(), model, ProjectorParams.defaults().withThreads(threads)
                            .withUseGpu(key.gpuLayers() > 0));
            return new Loaded(model, projector);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** How many loaded entries this JVM holds for a model file (for tests: one, however many tasks ran). */
    static synchronized int loadedCountOf(Path model, Path mmproj) {
        return (int) LOADED.keySet().stream()
                .filter(k -> k.model().equals(model) && java.util.Objects.equals(k.mmproj(), mmproj)).count();
    }

    /**
     * Closes every pooled context, projector and model. A context still driven by a task thread
     * refuses (IllegalStateException) and is left to the exiting process, as is its model.
     */
    static synchronized void closeAll() {
        List<Loaded> all = new ArrayList<>(LOADED.values());
        LOADED.clear();
        RESOLVED.clear();
        for (Loaded l : all) {
            try {
                l.pool.closeAll();
                if (l.projector != null) {
                    l.projector.close();
                }
                l.model.close();
            } catch (RuntimeException e) {
                // a task is still inside: the process exit frees it
            }
        }
    }
}
