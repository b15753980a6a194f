package io.github.llamapanama.vision.video;

import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.NALUnit;
import org.jcodec.codecs.h264.io.model.PictureParameterSet;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.SliceHeader;
import org.jcodec.codecs.h264.decode.SliceHeaderReader;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.SeekableDemuxerTrack;
import org.jcodec.common.io.BitReader;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp4.MP4Packet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The video track as jcodec's H.264 decoder gets it, checked so that a corrupt stream ends
 * in an exception rather than a decoder that never returns.
 *
 * <p>jcodec 0.2.5 reads zeros past the end of a NAL unit and has loops that only the data
 * ends: {@code ref_pic_list_reordering} in the slice header (growing a list each turn), CABAC's
 * unary {@code mb_qp_delta} ({@code while (decodeBin(63) == 1)}, which past the end returns
 * the most probable symbol forever), the interleaved slice-group map (a zero run length). So:
 * <ul>
 *   <li>every slice header is parsed first, by jcodec's own reader, from a copy followed by
 *       random bytes (on which those loops end within a few turns); a header that reads past
 *       its NAL unit is refused;</li>
 *   <li>CABAC slices get random non-zero bytes appended: a valid slice stops at its
 *       end_of_slice_flag before them, a corrupt one ends in garbage instead of spinning, as
 *       the macroblock loop is bounded by the picture size. Bytes without zeros make neither
 *       a start code nor an escape. CAVLC slices end at {@code more_rbsp_data()}, which
 *       padding would defeat, and their readers are bounded: they are left as they are;</li>
 *   <li>slice groups (FMO) are refused, SPS frame sizes are checked against the limits, and
 *       a sample past the end of the file (truncated) is refused: jcodec would decode the
 *       short read as if it were whole.</li>
 * </ul>
 */
final class GuardedTrack implements SeekableDemuxerTrack {
    private static final byte[] START_CODE = {0, 0, 0, 1};
    private static final int NON_IDR_SLICE = 1;
    private static final int IDR_SLICE = 5;
    private static final int SPS = 7;
    private static final int PPS = 8;
    /**
     * Random bits after a slice header under test: each of jcodec's header loops ends on a
     * given code with odds of 1 in 32 or better per turn, so 32768 bits end them for certain.
     */
    private static final byte[] HEADER_NOISE = noise(4096, 0xC0FFEE);

    private final SeekableDemuxerTrack track;
    private final byte[] padding;
    private final long fileSize;
    private final String name;
    private final VideoLimits limits;
    private final Map<Integer, SeqParameterSet> spsById = new HashMap<>();
    private final Map<Integer, PictureParameterSet> ppsById = new HashMap<>();

    /**
     * @param paddingBytes noise after each CABAC slice: generous for a frame's macroblocks
     * @param fileSize     the file's size: a sample past it means a truncated file
     */
    GuardedTrack(SeekableDemuxerTrack track, int paddingBytes, long fileSize, String name, VideoLimits limits) {
        this.track = track;
        this.fileSize = fileSize;
        this.name = name;
        this.limits = limits;
        this.padding = noise(paddingBytes, 0x5EED);
        ByteBuffer codecPrivate = track.getMeta().getCodecPrivate();
        if (codecPrivate != null) {
            for (ByteBuffer nal : H264Utils.splitFrame(codecPrivate.duplicate())) {
                parameterSet(nal);
            }
        }
    }

    @Override
    public Packet nextFrame() throws IOException {
        Packet packet = track.nextFrame();
        if (packet == null) {
            return null;
        }
        MP4Packet sample = (MP4Packet) packet;
        if (sample.getFileOff() < 0 || sample.getFileOff() + sample.getSize() > fileSize) {
            throw new VideoFormatException(name + ": sample " + sample.getFrameNo() + " lies past the end of the file"
                    + " (" + sample.getFileOff() + " + " + sample.getSize() + " > " + fileSize + "): truncated");
        }
        List<ByteBuffer> nals = H264Utils.splitFrame(packet.getData().duplicate());
        Set<ByteBuffer> cabacSlices = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ByteBuffer nal : nals) {
            if (!nal.hasRemaining()) {
                continue;
            }
            int type = nal.get(nal.position()) & 0x1F;
            if (type == SPS || type == PPS) {
                parameterSet(nal);
            } else if ((type == NON_IDR_SLICE || type == IDR_SLICE) && checkSliceHeader(nal, sample)) {
                // the slice types jcodec decodes (it ignores data partitions, 2 to 4)
                cabacSlices.add(nal);
            }
        }
        if (cabacSlices.isEmpty() || padding.length == 0) {
            return packet;
        }
        return MP4Packet.createMP4PacketWithData(sample, withPadding(nals, cabacSlices));
    }

    /** Reads an SPS or PPS as jcodec's decoder will, checking what it must not be given. */
    private void parameterSet(ByteBuffer nal) {
        ByteBuffer rbsp = rbsp(nal);
        if (rbsp == null) {
            return;
        }
        int type = nal.get(nal.position()) & 0x1F;
        if (type == SPS) {
            SeqParameterSet sps = SeqParameterSet.read(rbsp);
            long width = ((long) sps.picWidthInMbsMinus1 + 1) << 4;
            long height = ((long) SeqParameterSet.getPicHeightInMbs(sps)) << 4;
            limits.checkFrame(name + " (SPS " + sps.seqParameterSetId + ")", width, height);
            spsById.put(sps.seqParameterSetId, sps);
        } else if (type == PPS) {
            PictureParameterSet pps = PictureParameterSet.read(rbsp);
            if (pps.numSliceGroupsMinus1 != 0) {
                throw new VideoFormatException(name + ": slice groups (FMO) are not supported");
            }
            ppsById.put(pps.picParameterSetId, pps);
        }
    }

    /**
     * Parses the slice header from a padded copy and refuses one that reads past the NAL
     * unit; true when the slice is CABAC (and so gets padding).
     */
    private boolean checkSliceHeader(ByteBuffer nal, MP4Packet sample) {
        ByteBuffer rbsp = rbsp(nal);
        if (rbsp == null) {
            throw new VideoFormatException(name + ": an empty slice in sample " + sample.getFrameNo());
        }
        int bits = rbsp.remaining() * 8;
        ByteBuffer noisy = ByteBuffer.allocate(rbsp.remaining() + HEADER_NOISE.length).put(rbsp).put(HEADER_NOISE);
        BitReader reader = BitReader.createBitReader(noisy.flip());
        NALUnit unit = NALUnit.read(nal.duplicate());
        SliceHeader header = SliceHeaderReader.readPart1(reader);
        PictureParameterSet pps = ppsById.get(header.picParameterSetId);
        SeqParameterSet sps = pps == null ? null : spsById.get(pps.seqParameterSetId);
        if (sps == null) {
            throw new VideoFormatException(name + ": sample " + sample.getFrameNo()
                    + " refers to a parameter set that was never given");
        }
        SliceHeaderReader.readPart2(header, unit, sps, pps, reader);
        if (reader.position() > bits) {
            throw new VideoFormatException(name + ": the slice header in sample " + sample.getFrameNo()
                    + " runs past its NAL unit");
        }
        return pps.entropyCodingModeFlag;
    }

    /** The NAL unit's payload after its header byte, unescaped, in a copy; null if empty. */
    private static ByteBuffer rbsp(ByteBuffer nal) {
        ByteBuffer copy = ByteBuffer.allocate(nal.remaining()).put(nal.duplicate()).flip();
        copy.get(); // the NAL header byte
        if (!copy.hasRemaining()) {
            return null;
        }
        ByteBuffer payload = copy.slice();
        H264Utils.unescapeNAL(payload);
        return payload;
    }

    /** The packet rebuilt in Annex B with padding after the given slices. */
    private ByteBuffer withPadding(List<ByteBuffer> nals, Set<ByteBuffer> padded) {
        for (ByteBuffer nal : padded) {
            // Trailing zero bytes (cabac_zero_words, start-code slack) followed by noise could
            // read as a start code (00 00 01) or an escape (00 00 03): drop them.
            while (nal.limit() > nal.position() + 1 && nal.get(nal.limit() - 1) == 0) {
                nal.limit(nal.limit() - 1);
            }
        }
        int size = 0;
        for (ByteBuffer nal : nals) {
            size += START_CODE.length + nal.remaining() + (padded.contains(nal) ? padding.length : 0);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer nal : nals) {
            out.put(START_CODE).put(nal.duplicate());
            if (padded.contains(nal)) {
                out.put(padding);
            }
        }
        return out.flip();
    }

    /** Random bytes, none of them zero. */
    private static byte[] noise(int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) random.nextInt(1, 256);
        }
        return out;
    }

    @Override
    public DemuxerTrackMeta getMeta() {
        return track.getMeta();
    }

    @Override
    public boolean gotoFrame(long frame) throws IOException {
        return track.gotoFrame(frame);
    }

    @Override
    public boolean gotoSyncFrame(long frame) throws IOException {
        return track.gotoSyncFrame(frame);
    }

    @Override
    public long getCurFrame() {
        return track.getCurFrame();
    }

    @Override
    public void seek(double second) throws IOException {
        track.seek(second);
    }
}
