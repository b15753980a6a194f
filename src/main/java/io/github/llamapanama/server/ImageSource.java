package io.github.llamapanama.server;

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
 * Turns an {@code image_url} into bytes, within limits: base64 data URIs; http(s) downloads
 * bounded in size and time; {@code file:} URLs only inside the operator's allowed directory.
 */
final class ImageSource {
    private final long maxBytes;
    private final Path allowedDirectory; // real path, or null
    private final Duration timeout;
    private volatile HttpClient client;

    ImageSource(long maxBytes, Path allowedDirectory, Duration timeout) {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        try {
            this.allowedDirectory = allowedDirectory == null ? null : allowedDirectory.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("the allowed file directory " + allowedDirectory + " does not exist", e);
        }
    }

    byte[] read(String url, String param) {
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            return dataUri(url, param);
        }
        if (url.regionMatches(true, 0, "http://", 0, 7) || url.regionMatches(true, 0, "https://", 0, 8)) {
            return download(url, param);
        }
        if (url.regionMatches(true, 0, "file:", 0, 5)) {
            return file(url, param);
        }
        throw ApiException.invalid("unsupported image URL: use a data: URI with base64, http(s) or an allowed file:",
                param, "invalid_image_url");
    }

    private byte[] dataUri(String url, String param) {
        int comma = url.indexOf(',');
        if (comma < 0 || !url.substring(0, comma).toLowerCase().endsWith(";base64")) {
            throw ApiException.invalid("an image data URI must be data:<type>;base64,<data>", param, "invalid_image_url");
        }
        long encoded = url.length() - comma - 1;
        if (encoded / 4 * 3 > maxBytes + 3) {
            throw ApiException.invalid("the image is larger than the limit of " + maxBytes + " bytes", param, "image_too_large");
        }
        try {
            return Base64.getMimeDecoder().decode(url.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("the image data URI is not valid base64: " + e.getMessage(), param, "invalid_image_url");
        }
    }

    private byte[] download(String url, String param) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("bad image URL: " + e.getMessage(), param, "invalid_image_url");
        }
        try {
            HttpResponse<InputStream> r = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() / 100 != 2) {
                    throw ApiException.invalid("fetching the image gave HTTP " + r.statusCode(), param, "image_fetch_failed");
                }
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw ApiException.invalid("the image is larger than the limit of " + maxBytes + " bytes", param,
                            "image_too_large");
                }
                return bytes;
            }
        } catch (IOException e) {
            throw ApiException.invalid("could not fetch the image: " + e, param, "image_fetch_failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.invalid("interrupted while fetching the image", param, "image_fetch_failed");
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

    private byte[] file(String url, String param) {
        if (allowedDirectory == null) {
            throw new ApiException(403, "invalid_request_error", "file: image URLs are disabled on this server", param,
                    "file_access_denied");
        }
        Path path;
        try {
            path = Path.of(URI.create(url)).toRealPath(); // resolves links and ".."
        } catch (IOException | RuntimeException e) {
            throw ApiException.invalid("cannot read image file " + url, param, "invalid_image_url");
        }
        if (!path.startsWith(allowedDirectory)) {
            throw new ApiException(403, "invalid_request_error", "file: image URLs must lie inside the allowed directory",
                    param, "file_access_denied");
        }
        try {
            if (Files.size(path) > maxBytes) {
                throw ApiException.invalid("the image is larger than the limit of " + maxBytes + " bytes", param,
                        "image_too_large");
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw ApiException.invalid("cannot read image file " + url, param, "invalid_image_url");
        }
    }
}
