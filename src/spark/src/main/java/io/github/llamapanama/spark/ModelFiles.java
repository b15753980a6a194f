package io.github.llamapanama.spark;

import io.github.llamapanama.hub.HfHub;
import io.github.llamapanama.hub.HfRepo;
import io.github.llamapanama.hub.ModelPair;
import org.apache.spark.SparkFiles;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where each executor finds the GGUF files: a path every executor can read, a file that the
 * driver shipped with {@code SparkContext.addFile} (found through {@link SparkFiles#get}), or the
 * Hugging Face hub, downloaded into each executor's hub cache by {@link HfHub}.
 *
 * @param model  the language model
 * @param mmproj the projector, or null for text-only work
 */
public record ModelFiles(Source model, Source mmproj) implements Serializable {

    public ModelFiles {
        Objects.requireNonNull(model, "model");
    }

    /** Where one file comes from; resolved on the executor. */
    public sealed interface Source extends Serializable {
        Path resolve();
    }

    /** A path on every executor's file system (a shared mount, or the same local path). */
    public record LocalPath(String path) implements Source {
        public LocalPath {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public Path resolve() {
            return existing(Path.of(path), "model file");
        }
    }

    /** A file the driver added with {@code SparkContext.addFile}: its name without directories. */
    public record SparkFile(String name) implements Source {
        public SparkFile {
            Objects.requireNonNull(name, "name");
            if (name.contains("/") || name.contains("\\")) {
                throw new IllegalArgumentException("a SparkFiles name has no directory: " + name);
            }
        }

        @Override
        public Path resolve() {
            return existing(Path.of(SparkFiles.get(name)), "SparkFiles entry (was it added with sc.addFile?)");
        }
    }

    /** One file of a Hugging Face repo ({@code org/name}), into the executor's hub cache. */
    public record HubFile(String repo, String filename) implements Source {
        public HubFile {
            HfRepo.parse(repo);
            Objects.requireNonNull(filename, "filename");
        }

        @Override
        public Path resolve() {
            return HfHub.fromEnvironment().download(HfRepo.parse(repo), filename);
        }
    }

    /** The model ({@code projector} false) or projector of a repo {@code org/name[:quant]}, as {@code --hf} picks them. */
    public record HubVision(String repo, boolean projector) implements Source {
        public HubVision {
            HfRepo.parse(repo);
        }

        @Override
        public Path resolve() {
            ModelPair pair = HfHub.fromEnvironment().resolveVisionModel(HfRepo.parse(repo));
            return projector ? pair.mmproj() : pair.model();
        }
    }

    /** Files at paths that every executor can read. */
    public static ModelFiles paths(String model, String mmproj) {
        return new ModelFiles(new LocalPath(model), mmproj == null ? null : new LocalPath(mmproj));
    }

    /** Files the driver shipped with {@code sparkContext().addFile(...)}, by file name. */
    public static ModelFiles sparkFiles(String model, String mmproj) {
        return new ModelFiles(new SparkFile(model), mmproj == null ? null : new SparkFile(mmproj));
    }

    /** A vision model and its projector from a hub repo {@code org/name[:quant]}. */
    public static ModelFiles hub(String repo) {
        return new ModelFiles(new HubVision(repo, false), new HubVision(repo, true));
    }

    /** One GGUF of a hub repo (text and embedding models). */
    public static ModelFiles hubFile(String repo, String filename) {
        return new ModelFiles(new HubFile(repo, filename), null);
    }

    private static Path existing(Path p, String what) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(what + " not found on this executor: " + p);
        }
        return p;
    }
}
