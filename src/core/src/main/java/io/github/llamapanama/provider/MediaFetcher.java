package io.github.llamapanama.provider;

import io.github.llamapanama.vision.VisionException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * Reads media that a framework names by URL, by the server's rules: {@code data:} URIs with
 * base64; {@code file:} URLs only inside the directory the builder allowed (none by default);
 * http(s) URLs only when the application enables them ({@link LocalModel.Builder#allowRemoteMedia}),
 * then through the server's {@link RemoteFetch}: only public addresses unless the application
 * allows more hosts or networks ({@link AddressPolicy}), every redirect checked, bounded in size
 * and time, refused with the server's messages.
 */
public final class MediaFetcher {
    private final long maxBytes;
    private final Path allowedDirectory; // real path, or null
    private final RemoteFetch remote;    // null: http(s) refused

    /** A fetcher that refuses http(s) URLs. */
    public MediaFetcher(long maxBytes, Path allowedDirectory, Duration timeout) {
        this(maxBytes, allowedDirectory, (RemoteFetch) null);
    }

    /**
     * @param remote the fetcher of http(s) URLs (its policy, time limit and size limit), or null to
     *               refuse them
     */
    public MediaFetcher(long maxBytes, Path allowedDirectory, RemoteFetch remote) {
        this.maxBytes = maxBytes;
        this.remote = remote;
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
        if (remote == null) {
            throw new VisionException("http(s) media URLs are disabled: the application enables them with the model "
                    + "builder's allowRemoteMedia(true) (Spring: spring.ai.llama-panama.allow-remote-media=true); "
                    + "send the media as a data: URI");
        }
        try {
            return remote.get(url);
        } catch (RemoteFetch.Refused e) {
            throw new VisionException(e.getMessage());
        }
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
