package io.github.llamapanama.spark;

import io.github.llamapanama.vision.MediaLimits;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A media column: binary content (as the {@code binaryFile} source gives it) or a path / URI
 * string. Plain paths and {@code file:} URIs are read directly; other schemes ({@code hdfs:},
 * {@code s3a:}, ...) through Hadoop's file systems with the driver's Hadoop configuration.
 */
final class MediaInput implements Serializable {
    private final String column;
    private final int index;
    private final boolean binary;
    private final SerializableConfiguration hadoop;

    private MediaInput(String column, int index, boolean binary, SerializableConfiguration hadoop) {
        this.column = column;
        this.index = index;
        this.binary = binary;
        this.hadoop = hadoop;
    }

    static MediaInput of(StructType schema, String column, Configuration hadoop) {
        int index = index(schema, column);
        DataType type = schema.fields()[index].dataType();
        if (!(type instanceof BinaryType) && !(type instanceof StringType)) {
            throw new IllegalArgumentException("column '" + column + "' is " + type.simpleString()
                    + ": expected binary content or a string path/URI");
        }
        return new MediaInput(column, index, type instanceof BinaryType, new SerializableConfiguration(hadoop));
    }

    static int index(StructType schema, String column) {
        if (column == null || !Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("no column '" + column + "' in " + schema.simpleString());
        }
        return schema.fieldIndex(column);
    }

    /** The bytes of the row's media, at most {@code limits.maxBytes()}. */
    byte[] bytes(Row row, MediaLimits limits) {
        long max = limits.maxBytes();
        if (row.isNullAt(index)) {
            throw new IllegalArgumentException("column '" + column + "' is null");
        }
        if (binary) {
            return (byte[]) row.get(index);
        }
        String where = row.getString(index);
        try {
            Path local = localPath(where);
            if (local != null) {
                checkSize(Files.size(local), max, where);
                return Files.readAllBytes(local);
            }
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(where);
            FileSystem fs = p.getFileSystem(hadoop.value());
            checkSize(fs.getFileStatus(p).getLen(), max, where);
            try (FSDataInputStream in = fs.open(p)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + where + ": " + e.getMessage(), e);
        }
    }

    /**
     * A local file with the row's media, and whether it is a temporary copy the caller deletes:
     * a local path as is, binary content or a remote file copied to a temporary file.
     */
    record LocalFile(Path path, boolean temporary) implements AutoCloseable {
        @Override
        public void close() {
            if (temporary) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }

    LocalFile localFile(Row row, long maxBytes) {
        if (row.isNullAt(index)) {
            throw new IllegalArgumentException("column '" + column + "' is null");
        }
        try {
            if (!binary) {
                Path local = localPath(row.getString(index));
                if (local != null) {
                    return new LocalFile(local, false);
                }
            }
            Path tmp = Files.createTempFile("llama-panama-spark", ".media");
            try {
                if (binary) {
                    Files.write(tmp, (byte[]) row.get(index));
                } else {
                    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(row.getString(index));
                    FileSystem fs = p.getFileSystem(hadoop.value());
                    checkSize(fs.getFileStatus(p).getLen(), maxBytes, p.toString());
                    try (InputStream in = fs.open(p)) {
                        Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                return new LocalFile(tmp, true);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read column '" + column + "': " + e.getMessage(), e);
        }
    }

    private static void checkSize(long size, long max, String what) {
        if (size > max) {
            throw new IllegalArgumentException(what + " is " + size + " bytes, over the limit of " + max);
        }
    }

    /** The local path of a plain path or a file: URI; null for other schemes. */
    private static Path localPath(String where) {
        int colon = where.indexOf(':');
        int slash = where.indexOf('/');
        boolean hasScheme = colon > 1 && (slash < 0 || colon < slash);
        if (!hasScheme) {
            return Path.of(where);
        }
        URI uri = URI.create(where);
        return "file".equalsIgnoreCase(uri.getScheme()) ? Path.of(uri) : null;
    }
}
