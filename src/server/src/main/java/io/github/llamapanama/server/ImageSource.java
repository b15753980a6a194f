package io.github.llamapanama.server;

import io.github.llamapanama.provider.AddressPolicy;
import io.github.llamapanama.provider.RemoteFetch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * Turns an {@code image_url} into bytes, within limits: base64 data URIs; http(s) downloads
 * bounded in size and time, off unless the operator turns them on, and then only from public
 * addresses ({@link RemoteFetch}); {@code file:} URLs only inside the operator's allowed directory.
 */
final class ImageSource {
    private final long maxBytes;
    private final Path allowedDirectory; // real path, or null
    private final RemoteFetch remote; // null: remote URLs refused

    /**
     * @param remoteAllowed null to refuse http(s) URLs; else the hosts and networks fetched even
     *                      though they are not public (see {@link AddressPolicy})
     */
    ImageSource(long maxBytes, Path allowedDirectory, Duration timeout, List<String> remoteAllowed) {
        this(maxBytes, allowedDirectory, timeout, remoteAllowed, InetAddress::getAllByName);
    }

    ImageSource(long maxBytes, Path allowedDirectory, Duration timeout, List<String> remoteAllowed,
                RemoteFetch.Resolver resolver) {
        this.maxBytes = maxBytes;
        this.remote = remoteAllowed == null ? null
                : new RemoteFetch(new AddressPolicy(remoteAllowed), timeout, maxBytes, resolver);
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
        if (remote == null) {
            throw new ApiException(403, "invalid_request_error", "http(s) image URLs are disabled on this server "
                    + "(the operator enables them with --allow-remote-images); send the image as a data: URI",
                    param, "remote_images_disabled");
        }
        try {
            return remote.get(url);
        } catch (RemoteFetch.Refused e) {
            throw ApiException.invalid(e.getMessage(), param, "image_fetch_failed");
        }
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
