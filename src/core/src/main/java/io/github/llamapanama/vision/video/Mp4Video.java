package io.github.llamapanama.vision.video;

import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.api.specific.AVCMP4Adaptor;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.SeekableDemuxerTrack;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * H.264 in MP4/MOV through jcodec 0.2.5. Wanted frames are decoded in decode order: from the
 * nearest earlier sync sample when that is past the current position, else by decoding on;
 * they are returned in presentation order.
 *
 * <p>jcodec believes what it reads, and can allocate or loop without end on a hostile file,
 * so it only sees a container {@link Mp4Index} has checked (with everything unneeded masked)
 * and a stream {@link GuardedTrack} checks as it goes. Whatever still escapes from jcodec (a
 * RuntimeException, an OutOfMemoryError for a size it was told, a StackOverflowError) is
 * reported as a {@link VideoFormatException}.
 */
final class Mp4Video implements Video {
    private final Path path;
    private final String name;
    private final VideoLimits limits;
    private final Mp4Index index;

    private Mp4Video(Path path, String name, VideoLimits limits, Mp4Index index) {
        this.path = path;
        this.name = name;
        this.limits = limits;
        this.index = index;
    }

    static Mp4Video open(Path path, String name, VideoLimits limits) throws IOException {
        Mp4Index index = Mp4Index.read(path, name, limits);
        if (!"avc1".equals(index.codec()) && !"avc3".equals(index.codec())) {
            throw new VideoFormatException(name + ": video codec '" + index.codec() + "' is not supported;"
                    + " MP4 works with H.264 (avc1) only");
        }
        new Decoder(path, name, limits, index).close(); // jcodec accepts the file, its frame size is in limits
        return new Mp4Video(path, name, limits, index);
    }

    @Override
    public int frameCount() {
        return index.sampleCount();
    }

    @Override
    public double fps() {
        return index.fps();
    }

    @Override
    public List<BufferedImage> frames(int[] indices) throws IOException {
        Indices.check(indices, frameCount());
        int[] samples = Arrays.stream(indices).map(i -> index.displayToSample()[i]).distinct().sorted().toArray();
        Map<Integer, BufferedImage> decoded = new HashMap<>();
        try (Decoder decoder = new Decoder(path, name, limits, index)) {
            int next = 0; // the sample getNativeFrame decodes next
            for (int sample : samples) {
                if (index.syncAtOrBefore(sample) > next) {
                    decoder.grab.seekToFramePrecise(sample); // decodes from the sync sample
                } else {
                    for (; next < sample; next++) {
                        decoder.next(next);
                    }
                }
                decoded.put(sample, Pictures.toRgb(decoder.next(sample)));
                next = sample + 1;
            }
        } catch (JCodecException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw Decoder.failure(name, e);
        }
        List<BufferedImage> out = new ArrayList<>(indices.length);
        for (int i : indices) {
            out.add(decoded.get(index.displayToSample()[i]));
        }
        return out;
    }

    /**
     * A jcodec frame grabber on the masked file and the guarded track, the frame size checked
     * before FrameGrab allocates its picture buffer.
     */
    private static final class Decoder implements AutoCloseable {
        private final MaskedChannel channel;
        private final String name;
        private AVCMP4Adaptor adaptor;
        final FrameGrab grab;

        Decoder(Path path, String name, VideoLimits limits, Mp4Index index) throws IOException {
            this.name = name;
            this.channel = new MaskedChannel(path, index.maskedTypes());
            try {
                SeekableDemuxerTrack track = (SeekableDemuxerTrack) MP4Demuxer.createMP4Demuxer(channel).getVideoTrack();
                if (track == null) {
                    throw new VideoFormatException(name + " has no video track");
                }
                DemuxerTrackMeta meta = track.getMeta();
                if (meta.getCodec() != Codec.H264 || meta.getCodecPrivate() == null) {
                    throw new VideoFormatException(name + ": the video track is not H.264 with an avcC box");
                }
                adaptor = new AVCMP4Adaptor(meta); // reads the SPS, allocates nothing
                Size size = adaptor.getMediaInfo().getDim();
                limits.checkFrame(name, size.getWidth(), size.getHeight());
                grab = new FrameGrab(new GuardedTrack(track, paddingFor(size), channel.size(), name, limits), adaptor);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                close();
                throw failure(name, e);
            }
        }

        /** Noise after each CABAC slice: 64 bytes a macroblock, more than a corrupt slice reads. */
        private static int paddingFor(Size size) {
            long macroblocks = ((long) size.getWidth() >> 4) * (size.getHeight() >> 4);
            return (int) Math.min(1 << 22, Math.max(4096, macroblocks * 64));
        }

        Picture next(int sample) throws IOException {
            Picture picture = grab.getNativeFrame();
            if (picture == null) {
                throw new VideoFormatException(name + ": sample " + sample + " is missing or does not decode");
            }
            return picture;
        }

        static VideoFormatException failure(String name, Throwable e) {
            if (e instanceof VideoFormatException v) {
                return v;
            }
            return new VideoFormatException(name + " is a corrupt or unsupported MP4/H.264 file (" + e + ")", e);
        }

        @Override
        public void close() throws IOException {
            stopDecoderThreads();
            channel.close();
        }

        /**
         * jcodec's H264Decoder starts a thread pool (for frames with several slices) that it
         * never shuts down: without this each call would leave its threads behind. The fields
         * are private, hence reflection; on another jcodec the threads are daemons and idle.
         */
        private void stopDecoderThreads() {
            if (adaptor == null) {
                return;
            }
            try {
                Field decoder = AVCMP4Adaptor.class.getDeclaredField("decoder");
                decoder.setAccessible(true);
                Object h264 = decoder.get(adaptor);
                if (h264 != null) {
                    Field pool = H264Decoder.class.getDeclaredField("tp");
                    pool.setAccessible(true);
                    if (pool.get(h264) instanceof ExecutorService executor) {
                        executor.shutdownNow();
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // left to idle
            }
        }
    }
}
