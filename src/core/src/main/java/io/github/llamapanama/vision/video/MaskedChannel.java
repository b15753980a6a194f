package io.github.llamapanama.vision.video;

import org.jcodec.common.io.SeekableByteChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only view of a file for jcodec in which some boxes' four-character types read as
 * {@code free}, so jcodec skips them instead of parsing them.
 */
final class MaskedChannel implements SeekableByteChannel {
    private static final byte[] FREE = "free".getBytes(StandardCharsets.ISO_8859_1);

    private final FileChannel file;
    private final long[] typeOffsets;
    private long position;

    /** @param typeOffsets file offsets of the 4-byte type fields to mask */
    MaskedChannel(Path path, long[] typeOffsets) throws IOException {
        this.file = FileChannel.open(path, StandardOpenOption.READ);
        this.typeOffsets = typeOffsets.clone();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n = file.read(dst, position);
        if (n <= 0) {
            return n;
        }
        for (long at : typeOffsets) {
            for (int k = 0; k < FREE.length; k++) {
                long offset = at + k - position;
                if (offset >= 0 && offset < n) {
                    dst.put(start + (int) offset, FREE[k]);
                }
            }
        }
        position += n;
        return n;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel setPosition(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
