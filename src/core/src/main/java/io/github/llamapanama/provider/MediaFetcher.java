package io.github.llamapanama.provider;

import io.github.llamapanama.vision.VisionException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * Reads media that a framework names by URL, by the server's rules: {@code data:} URIs with
 * base64; http(s) downloads bounded in size and time; {@code file:} URLs only inside the
 * directory the builder allowed (none by default).
 */
public final class MediaFetcher {
    private final long maxBytes;
    private final Path allowedDirectory; // real path, or null
    private final Duration timeout;
    private volatile HttpClient client;

    public MediaFetcher(long maxBytes, Path allowedDirectory, Duration timeout) {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        try {
            this.allowedDirectory = allowedDirectory == null ? null : allowedDirectory.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("the allowed media directory " + allowedDirectory + " does not exist", e);
        }
    }

    /** The bytes behind {@code url}. */
    public Media fetch(String url) {
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            return Media.of(dataUri(url));
        }
        if (url.regionMatches(true, 0, "http://", 0, 7) || url.regionMatches(true, 0, "https://", 0, 8)) {
            return Media.of(download(url));
        }
        if (url.regionMatches(true, 0, "file:", 0, 5)) {
            return Media.of(file(url));
        }
        throw new VisionException("unsupported media URL: use a data: URI with base64, http(s) or an allowed file: URL");
    }

    /** Base64 data with the size limit checked first. */
    public Media decodeBase64(String base64) {
        if ((long) base64.length() / 4 * 3 > maxBytes + 3) {
            throw new VisionException("the media is larger than the limit of " + maxBytes + " bytes");
        }
        try {
            return Media.of(Base64.getMimeDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            throw new VisionException("the media is not valid base64: " + e.getMessage(), e);
        }
    }

    private byte[] dataUri(String url) {
        int comma = url.indexOf(',');
        if (comma < 0 || !url.substring(0, comma).toLowerCase().endsWith(";base64")) {
            throw new VisionException("a media data URI must be data:<type>;base64,<data>");
        }
        return decodeBase64(url.substring(comma + 1)).data();
    }

    private byte[] download(String url) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        } catch (IllegalArgumentException e) {
            throw new VisionException("bad media URL: " + e.getMessage(), e);
        }
        try {
            HttpResponse<InputStream> r = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() / 100 != 2) {
                    throw new VisionException("fetching " + url + " gave HTTP " + r.statusCode());
                }
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw new VisionException("the media at " + url + " is larger than the limit of " + maxBytes + " bytes");
                }
                return bytes;
            }
        } catch (IOException e) {
            throw new VisionException("could not fetch " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VisionException("interrupted while fetching " + url);
        }
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = HttpClient.newBuilder().connectTimeout(timeout)
                            .followRedirects(HttpClient.Redirect.NORMAL).build();
                }
                c = client;
            }
        }
        return c;
    }

    private byte[] file(String url) {
        if (allowedDirectory == null) {
            throw new VisionException("file: media URLs are disabled: allow a directory in the model's builder");
        }
        Path path;
        try {
            path = Path.of(URI.create(url)).toRealPath(); // resolves links and ".."
        } catch (IOException | RuntimeException e) {
            throw new VisionException("cannot read media file " + url);
        }
        if (!path.startsWith(allowedDirectory)) {
            throw new VisionException("file: media URLs must lie inside the allowed directory");
        }
        try {
            if (Files.size(path) > maxBytes) {
                throw new VisionException("the media file is larger than the limit of " + maxBytes + " bytes");
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new VisionException("cannot read media file " + url + ": " + e.getMessage(), e);
        }
    }
}
