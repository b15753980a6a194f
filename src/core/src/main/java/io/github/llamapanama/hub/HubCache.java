package io.github.llamapanama.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The hub's cache layout, shared with huggingface_hub and the other Hugging Face tools:
 * <pre>
 * {root}/models--{org}--{name}/blobs/{etag}                   the content, named by its ETag
 * {root}/models--{org}--{name}/snapshots/{commit}/{filename}  a relative symlink to the blob
 * {root}/models--{org}--{name}/refs/{revision}                the commit the revision points at
 * {root}/.locks/models--{org}--{name}/{etag}.lock             held while the blob is written
 * </pre>
 */
final class HubCache {
    private static final Pattern ETAG = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private final Path root;

    HubCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    Path repoDir(HfRepo repo) {
        return root.resolve(repo.cacheFolder());
    }

    Path blob(HfRepo repo, String etag) {
        if (!ETAG.matcher(etag).matches()) {
            throw new HubException("the hub sent an unusable ETag for " + repo.id() + ": " + etag);
        }
        return repoDir(repo).resolve("blobs").resolve(etag);
    }

    static Path incomplete(Path blob) {
        return blob.resolveSibling(blob.getFileName() + ".incomplete");
    }

    Path lockFile(HfRepo repo, String etag) {
        return root.resolve(".locks").resolve(repo.cacheFolder()).resolve(etag + ".lock");
    }

    Path snapshotFile(HfRepo repo, String commit, String filename) {
        if (!COMMIT.matcher(commit).matches()) {
            throw new HubException("the hub sent an unusable commit hash for " + repo.id() + ": " + commit);
        }
        return repoDir(repo).resolve("snapshots").resolve(commit).resolve(checkFilename(filename));
    }

    /** The commit the repo's revision points at in the cache: the revision itself or its ref. */
    Optional<String> commit(HfRepo repo) {
        if (repo.revisionIsCommit()) {
            return Optional.of(repo.revision());
        }
        Path ref = repoDir(repo).resolve("refs").resolve(repo.revision());
        try {
            String commit = Files.isRegularFile(ref) ? Files.readString(ref, StandardCharsets.UTF_8).strip() : "";
            return COMMIT.matcher(commit).matches() ? Optional.of(commit) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // unreadable ref: treated as not cached
        }
    }

    /** The cached file for the repo's revision, if its snapshot has it (and its blob is there). */
    Optional<Path> cachedFile(HfRepo repo, String filename) {
        return commit(repo).map(c -> snapshotFile(repo, c, filename)).filter(Files::isRegularFile);
    }

    /** The files of the revision's snapshot that are present, as repo-relative names. */
    List<String> snapshotFiles(HfRepo repo) {
        Optional<String> commit = commit(repo);
        if (commit.isEmpty()) {
            return List.of();
        }
        Path dir = repoDir(repo).resolve("snapshots").resolve(commit.get());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile) // follows the symlinks: a dangling one is absent
                    .filter(p -> !isTemporary(p.getFileName().toString()))
                    .map(p -> dir.relativize(p).toString().replace(dir.getFileSystem().getSeparator(), "/"))
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** Points {@code refs/{revision}} at the commit (nothing to do for a commit revision). */
    void writeRef(HfRepo repo, String commit) throws IOException {
        if (repo.revisionIsCommit() || commit(repo).filter(commit::equals).isPresent()) {
            return;
        }
        Path ref = repoDir(repo).resolve("refs").resolve(repo.revision());
        Files.createDirectories(ref.getParent());
        Path tmp = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
        try {
            Files.writeString(tmp, commit, StandardCharsets.UTF_8);
            move(tmp, ref);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Makes the snapshot entry a relative symlink to the blob, or a copy where links fail. The
     * entry is built under a temporary name and renamed into place, so a concurrent reader never
     * finds it missing.
     */
    void link(Path blob, Path snapshotFile) throws IOException {
        Files.createDirectories(snapshotFile.getParent());
        Path target = snapshotFile.getParent().relativize(blob);
        if (Files.isSymbolicLink(snapshotFile) && Files.readSymbolicLink(snapshotFile).equals(target)
                && Files.isRegularFile(snapshotFile)) {
            return;
        }
        Path tmp = snapshotFile.resolveSibling("." + snapshotFile.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try {
                Files.createSymbolicLink(tmp, target);
            } catch (UnsupportedOperationException | IOException | SecurityException e) {
                // e.g. Windows without the symlink privilege: huggingface_hub copies then too
                Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            move(tmp, snapshotFile);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean isTemporary(String name) {
        return name.startsWith(".") && name.endsWith(".tmp"); // link() and writeRef() at work
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A repo-relative path with '/' separators that cannot leave the snapshot folder. */
    static String checkFilename(String filename) {
        if (filename == null || filename.isEmpty() || filename.startsWith("/") || filename.contains("\\")
                || filename.contains(":") || filename.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("not a file name in a repo: " + filename);
        }
        for (String part : filename.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("not a file name in a repo: " + filename);
            }
        }
        return filename;
    }
}
