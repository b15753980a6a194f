package io.github.llamapanama.hub;

import java.util.regex.Pattern;

/**
 * A Hugging Face model repository, with an optional quantization tag and the revision to use.
 *
 * @param id       {@code org/name}
 * @param quant    the quantization to pick among the repo's GGUF files (case-insensitive, e.g.
 *                 {@code Q4_K_M}), or {@code null} for the default choice
 * @param revision a branch, tag or commit hash; {@code main} when {@code null}
 */
public record HfRepo(String id, String quant, String revision) {
    public static final String MAIN = "main";
    // The hub's rules for repo names; they also keep the cache folder name inside the cache.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern QUANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    public HfRepo {
        if (id == null || !validId(id)) {
            throw new IllegalArgumentException("not a Hugging Face repo id (org/name): " + id);
        }
        if (quant != null && !QUANT.matcher(quant).matches()) {
            throw new IllegalArgumentException("not a quantization tag: '" + quant + "'");
        }
        revision = revision == null ? MAIN : revision;
        if (!REVISION.matcher(revision).matches() || revision.contains("..")) {
            throw new IllegalArgumentException("not a revision: '" + revision + "'");
        }
    }

    /** The repo at {@code main}, with no quantization tag. */
    public HfRepo(String id) {
        this(id, null, MAIN);
    }

    /** Parses {@code org/name[:quant]}, as llama.cpp's {@code --hf} takes it. */
    public static HfRepo parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty Hugging Face repo, expected org/name[:quant]");
        }
        String s = spec.strip();
        int colon = s.indexOf(':');
        if (colon < 0) {
            return new HfRepo(s);
        }
        String quant = s.substring(colon + 1);
        if (quant.isEmpty()) {
            throw new IllegalArgumentException("empty quantization after ':' in " + spec);
        }
        return new HfRepo(s.substring(0, colon), quant, MAIN);
    }

    public HfRepo withQuant(String quant) {
        return new HfRepo(id, quant, revision);
    }

    public HfRepo withRevision(String revision) {
        return new HfRepo(id, quant, revision);
    }

    public String owner() {
        return id.substring(0, id.indexOf('/'));
    }

    public String name() {
        return id.substring(id.indexOf('/') + 1);
    }

    /** Whether the revision is a full commit hash, which never moves, so needs no ref. */
    boolean revisionIsCommit() {
        return COMMIT.matcher(revision).matches();
    }

    /** The repo's folder in the hub cache: {@code models--org--name}. */
    String cacheFolder() {
        return "models--" + owner() + "--" + name();
    }

    private static boolean validId(String id) {
        int slash = id.indexOf('/');
        if (slash < 0 || slash != id.lastIndexOf('/')) {
            return false;
        }
        String owner = id.substring(0, slash);
        String name = id.substring(slash + 1);
        return NAME.matcher(owner).matches() && NAME.matcher(name).matches()
                && !id.contains("--") && !id.contains("..") && name.length() <= 96;
    }

    /** {@code org/name[:quant]}, plus {@code @revision} when it is not main. */
    @Override
    public String toString() {
        return id + (quant == null ? "" : ":" + quant) + (MAIN.equals(revision) ? "" : "@" + revision);
    }
}
