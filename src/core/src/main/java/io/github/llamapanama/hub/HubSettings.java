package io.github.llamapanama.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The hub's environment variables, read the way huggingface_hub reads them. */
final class HubSettings {
    static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Set<String> TRUE = Set.of("1", "on", "yes", "true");

    private HubSettings() {}

    static boolean isTrue(String value) {
        return value != null && TRUE.contains(value.strip().toLowerCase(Locale.ROOT));
    }

    static URI endpoint(Map<String, String> env) {
        String e = nonBlank(env.get("HF_ENDPOINT"));
        return normalizeEndpoint(e == null ? DEFAULT_ENDPOINT : e);
    }

    static URI normalizeEndpoint(String endpoint) {
        String e = endpoint.strip();
        while (e.endsWith("/")) {
            e = e.substring(0, e.length() - 1);
        }
        URI uri = URI.create(e);
        if (uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("HF_ENDPOINT must be an http(s) URL, not " + endpoint);
        }
        return uri;
    }

    static boolean offline(Map<String, String> env) {
        return isTrue(env.get("HF_HUB_OFFLINE"));
    }

    static Path home(Map<String, String> env) {
        String home = nonBlank(env.get("HF_HOME"));
        if (home != null) {
            return expand(home);
        }
        String xdg = nonBlank(env.get("XDG_CACHE_HOME"));
        Path cache = xdg != null ? expand(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("huggingface");
    }

    /** {@code $HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}. */
    static Path cacheDir(Map<String, String> env) {
        String dir = nonBlank(env.get("HF_HUB_CACHE"));
        if (dir == null) {
            dir = nonBlank(env.get("HUGGINGFACE_HUB_CACHE"));
        }
        return dir != null ? expand(dir) : home(env).resolve("hub");
    }

    /** {@code $HF_TOKEN}, else the token {@code huggingface-cli login} saved; {@code null} if none. */
    static String token(Map<String, String> env) {
        String token = nonBlank(env.get("HF_TOKEN"));
        if (token == null) {
            token = nonBlank(env.get("HUGGING_FACE_HUB_TOKEN"));
        }
        if (token != null) {
            return token;
        }
        String path = nonBlank(env.get("HF_TOKEN_PATH"));
        Path file = path != null ? expand(path) : home(env).resolve("token");
        try {
            return Files.isRegularFile(file) ? nonBlank(Files.readString(file, StandardCharsets.UTF_8)) : null;
        } catch (IOException e) {
            return null; // an unreadable token file means anonymous access, as in huggingface_hub
        }
    }

    private static Path expand(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + path.substring(1));
        }
        return Path.of(path);
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
