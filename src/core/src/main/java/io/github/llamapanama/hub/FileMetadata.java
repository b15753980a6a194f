package io.github.llamapanama.hub;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * What the hub says about a file before it is fetched.
 *
 * @param commit   the commit the revision resolved to ({@code X-Repo-Commit})
 * @param etag     {@code X-Linked-Etag} or {@code ETag}, without quotes or {@code W/}: the SHA-256
 *                 of an LFS file, the git blob hash of a small one
 * @param size     {@code X-Linked-Size} or {@code Content-Length}; -1 if unknown
 * @param location where to fetch the bytes (the CDN for LFS files)
 */
record FileMetadata(String commit, String etag, long size, URI location) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    /** The expected SHA-256 when the ETag is one, else {@code null} (git hashes are not checked). */
    String sha256() {
        return SHA256.matcher(etag).matches() ? etag.toLowerCase(java.util.Locale.ROOT) : null;
    }

    static String normalizeEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e.isEmpty() ? null : e;
    }
}
