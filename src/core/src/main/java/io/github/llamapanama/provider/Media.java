package io.github.llamapanama.provider;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An image or audio clip as encoded bytes (JPEG, PNG, GIF, BMP; WAV, MP3, FLAC), decoded by the
 * projector only when it has to be evaluated. Its SHA-256 identifies it when a later
 * conversation repeats it, so the KV cache that holds it can be reused.
 */
public final class Media implements Part {
    private final byte[] data;
    private final String id;

    private Media(byte[] data) {
        this.data = data;
        this.id = sha256(data);
    }

    /** The bytes are not copied: do not change them afterwards. */
    public static Media of(byte[] data) {
        Objects.requireNonNull(data, "data");
        if (data.length == 0) {
            throw new IllegalArgumentException("empty media");
        }
        return new Media(data);
    }

    public byte[] data() {
        return data;
    }

    /** Hex SHA-256 of the bytes. */
    public String id() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Media m && m.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "Media[" + data.length + " bytes, " + id.substring(0, 12) + "]";
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
