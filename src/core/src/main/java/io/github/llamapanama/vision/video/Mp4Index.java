package io.github.llamapanama.vision.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * What {@link Mp4Video} needs from an MP4's {@code moov}, read without jcodec: the first video
 * track's codec, sample count, timing, display order and sync samples.
 *
 * <p>It is also the guard in front of jcodec 0.2.5, which believes every declared size: a
 * table claiming 2^31 entries is allocated as such, a 64-bit box size below 16 walks its
 * parser backwards, and a malformed {@code ilst} item loops forever. So every box jcodec
 * will parse is checked here (inside its parent and the file, tables inside their box), and
 * every box it does not need (other tracks, user data, metadata, unused tables) is shown to
 * it as {@code free}, which it skips unparsed.
 *
 * @param displayToSample for each frame in display (presentation time) order, its sample in
 *                        decode order: jcodec hands frames out in decode order, which differs
 *                        once a stream has B-frames
 * @param syncSamples     0-based sync (key) samples, ascending; null when every sample is one
 * @param maskedTypes     file offsets of the type fields of the boxes to show jcodec as free
 */
record Mp4Index(String codec, int sampleCount, double fps, int[] displayToSample, int[] syncSamples,
                long[] maskedTypes) {
    /** A moov is metadata: a two-hour film needs a few MB. Larger is refused, not allocated. */
    static final long MAX_MOOV_BYTES = 64L << 20;

    // What jcodec reads of the video track; everything else is masked.
    private static final Set<String> KEEP_MOOV = Set.of("mvhd");
    private static final Set<String> KEEP_TRAK = Set.of("tkhd", "edts", "mdia");
    private static final Set<String> KEEP_EDTS = Set.of("elst");
    private static final Set<String> KEEP_MDIA = Set.of("mdhd", "hdlr", "minf");
    private static final Set<String> KEEP_MINF = Set.of("stbl");
    private static final Set<String> KEEP_STBL = Set.of("stsd", "stts", "ctts", "stss", "stsz", "stsc", "stco", "co64");
    private static final Set<String> KEEP_AVC1 = Set.of("avcC");
    /** jcodec's VideoSampleEntry: 8 bytes of SampleEntry, 70 of video fields, then child boxes. */
    private static final int VIDEO_ENTRY_FIELDS = 78;

    static Mp4Index read(Path path, String name, VideoLimits limits) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            Box moov = scanRoot(channel, fileSize, name);
            List<Long> masked = new ArrayList<>();
            Track video = null;
            for (Box child : children(moov, 0, name)) {
                if (video == null && child.type.equals("trak") && "vide".equals(handlerOrNull(child, name))) {
                    video = Track.parse(child, fileSize, name, masked);
                } else if (!KEEP_MOOV.contains(child.type)) {
                    masked.add(child.typeAt);
                }
            }
            if (video == null) {
                throw new VideoFormatException(name + " has no video track");
            }
            return video.index(name, limits, masked.stream().mapToLong(Long::longValue).toArray());
        }
    }

    /**
     * Checks the top-level boxes as jcodec will walk them (it lists them all before looking
     * for the moov, and a negative size would send it backwards) and reads the first moov.
     */
    private static Box scanRoot(FileChannel channel, long fileSize, String name) throws IOException {
        Box moov = null;
        long offset = 0;
        while (offset + 8 <= fileSize) {
            ByteBuffer header = ByteBuffer.allocate(16);
            channel.read(header, offset);
            header.flip();
            long size = Integer.toUnsignedLong(header.getInt());
            String type = fourcc(header);
            int headerSize = 8;
            if (size == 1) {
                if (header.remaining() < 8) {
                    throw corrupt(name, "box '" + type + "' at " + offset + " is cut off");
                }
                size = header.getLong();
                headerSize = 16;
            } else if (size == 0) {
                break; // to the end of the file: only valid last; jcodec reads on no further either
            }
            if (size < headerSize) {
                throw corrupt(name, "box '" + type + "' at " + offset + " declares " + size + " bytes");
            }
            boolean cutOff = size > fileSize - offset;
            if (moov == null && type.equals("moov")) {
                if (cutOff) {
                    throw corrupt(name, "its moov box is cut off: " + size + " bytes declared, "
                            + (fileSize - offset) + " in the file");
                }
                if (size > MAX_MOOV_BYTES) {
                    throw new VideoFormatException(name + ": its moov box is " + size + " bytes, over "
                            + MAX_MOOV_BYTES);
                }
                ByteBuffer body = ByteBuffer.allocate((int) (size - headerSize));
                while (body.hasRemaining() && channel.read(body, offset + headerSize + body.position()) > 0) {
                    // read it all
                }
                moov = new Box("moov", body.flip(), offset + headerSize, offset + 4);
            }
            if (cutOff) {
                break; // a truncated last box (often mdat): jcodec stops here too
            }
            offset += size;
        }
        if (moov == null) {
            throw new VideoFormatException(name + " has no moov box: not an MP4/MOV file, truncated,"
                    + " or fragmented (fragmented MP4 is not supported)");
        }
        return moov;
    }

    /** The handler type of a trak, or null when its mdia/hdlr is missing or malformed. */
    private static String handlerOrNull(Box trak, String name) {
        try {
            for (Box box : children(trak, 0, name)) {
                if (box.type.equals("mdia")) {
                    for (Box mdia : children(box, 0, name)) {
                        if (mdia.type.equals("hdlr") && mdia.body.limit() >= 12) {
                            return fourcc(mdia.body.duplicate().position(8));
                        }
                    }
                }
            }
        } catch (VideoFormatException e) {
            return null; // not a usable video track: it gets masked
        }
        return null;
    }

    /** The video track's tables. */
    private record Track(String codec, long timescale, long mediaDuration, long[] stts, long[] ctts, int[] stss,
                         int sampleCount) {

        static Track parse(Box trak, long fileSize, String name, List<Long> masked) {
            String codec = null;
            long timescale = 0;
            long duration = 0;
            long[] stts = null;
            long[] ctts = null;
            int[] stss = null;
            int sampleCount = -1;
            for (Box box : kept(trak, 0, KEEP_TRAK, name, masked)) {
                if (box.type.equals("edts")) {
                    for (Box elst : kept(box, 0, KEEP_EDTS, name, masked)) {
                        table(elst, elst.body.limit() > 0 && elst.body.get(0) == 1 ? 20 : 12, name);
                    }
                }
                if (!box.type.equals("mdia")) {
                    continue;
                }
                for (Box mdia : kept(box, 0, KEEP_MDIA, name, masked)) {
                    if (mdia.type.equals("mdhd")) {
                        boolean v1 = need(mdia, 4, name).get(0) == 1;
                        ByteBuffer b = need(mdia, v1 ? 32 : 20, name).duplicate().position(v1 ? 20 : 12);
                        timescale = Integer.toUnsignedLong(b.getInt());
                        duration = v1 ? b.getLong() : Integer.toUnsignedLong(b.getInt());
                    } else if (mdia.type.equals("minf")) {
                        for (Box stbl : kept(mdia, 0, KEEP_MINF, name, masked)) {
                            for (Box t : kept(stbl, 0, KEEP_STBL, name, masked)) {
                                switch (t.type) {
                                    case "stsd" -> codec = sampleEntry(t, name, masked);
                                    case "stts" -> stts = pairs(t, name);
                                    case "ctts" -> ctts = pairs(t, name);
                                    case "stss" -> stss = ints(t, name);
                                    case "stsz" -> sampleCount = sampleSizes(t, fileSize, name);
                                    case "stco" -> table(t, 4, name);
                                    case "co64" -> table(t, 8, name);
                                    default -> table(t, 12, name); // stsc
                                }
                            }
                        }
                    }
                }
            }
            return new Track(codec, timescale, duration, stts, ctts, stss, sampleCount);
        }

        /** The first sample entry's type; later entries are masked, and so is all but avcC in it. */
        private static String sampleEntry(Box stsd, String name, List<Long> masked) {
            need(stsd, 8, name);
            List<Box> entries = children(stsd, 8, name);
            if (entries.isEmpty()) {
                throw corrupt(name, "the video track has no sample description");
            }
            Box entry = entries.get(0);
            for (Box later : entries.subList(1, entries.size())) {
                masked.add(later.typeAt);
            }
            if (entry.type.equals("avc1") || entry.type.equals("avc3")) {
                need(entry, VIDEO_ENTRY_FIELDS, name);
                kept(entry, VIDEO_ENTRY_FIELDS, KEEP_AVC1, name, masked);
            }
            return entry.type;
        }

        Mp4Index index(String name, VideoLimits limits, long[] masked) {
            if (sampleCount < 0) {
                throw new VideoFormatException(name + ": the video track has no sample size table (stsz)");
            }
            limits.checkFrameCount(name, sampleCount);
            // Decode timestamps from stts, presentation = decode + ctts offset (signed in practice
            // whatever the version); samples the tables leave out get the last delta / offset 0.
            long[] pts = new long[sampleCount];
            long dts = 0;
            long delta = 0;
            int sample = 0;
            for (int e = 0; stts != null && e < stts.length; e += 2) {
                delta = stts[e + 1];
                for (long k = 0; k < stts[e] && sample < sampleCount; k++) {
                    pts[sample++] = dts;
                    dts += delta;
                }
            }
            while (sample < sampleCount) {
                pts[sample++] = dts;
                dts += delta;
            }
            sample = 0;
            for (int e = 0; ctts != null && e < ctts.length; e += 2) {
                for (long k = 0; k < ctts[e] && sample < sampleCount; k++) {
                    pts[sample++] += (int) ctts[e + 1];
                }
            }
            int[] displayToSample = IntStream.range(0, sampleCount).boxed()
                    .sorted(Comparator.<Integer>comparingLong(i -> pts[i]).thenComparingInt(i -> i))
                    .mapToInt(Integer::intValue).toArray();
            long ticks = dts > 0 ? dts : mediaDuration;
            if (timescale == 0 || ticks <= 0) {
                throw new VideoFormatException(name + ": the video track has no timing (timescale "
                        + timescale + ", duration " + ticks + ")");
            }
            double fps = sampleCount / ((double) ticks / timescale);
            int[] sync = null;
            if (stss != null) {
                sync = Arrays.stream(stss).map(s -> s - 1).filter(s -> s >= 0 && s < sampleCount).sorted().toArray();
            }
            return new Mp4Index(codec, sampleCount, fps, displayToSample, sync, masked);
        }
    }

    /** The last sync sample at or before {@code sample}; 0 when none is. */
    int syncAtOrBefore(int sample) {
        if (syncSamples == null) {
            return sample;
        }
        int i = Arrays.binarySearch(syncSamples, sample);
        if (i >= 0) {
            return sample;
        }
        int before = -i - 2;
        return before >= 0 ? syncSamples[before] : 0;
    }

    /** A box: its body, the file offsets of the body and of the type field. */
    private record Box(String type, ByteBuffer body, long at, long typeAt) {
    }

    /** The children of {@code box} in {@code keep}; the others are added to {@code masked}. */
    private static List<Box> kept(Box box, int skip, Set<String> keep, String name, List<Long> masked) {
        List<Box> out = new ArrayList<>();
        for (Box child : children(box, skip, name)) {
            if (keep.contains(child.type)) {
                out.add(child);
            } else {
                masked.add(child.typeAt);
            }
        }
        return out;
    }

    /**
     * The boxes inside {@code box} after {@code skip} bytes of fields, each checked to lie inside
     * it, with jcodec's reading of sizes: 1 means a 64-bit size follows, 0 is padding.
     */
    private static List<Box> children(Box box, int skip, String name) {
        List<Box> out = new ArrayList<>();
        ByteBuffer parent = box.body;
        int start = skip;
        while (parent.limit() - start >= 8) {
            long size = Integer.toUnsignedLong(parent.getInt(start));
            String type = fourcc(parent.duplicate().position(start + 4));
            int header = 8;
            if (size == 1) {
                if (parent.limit() - start < 16) {
                    throw corrupt(name, "box '" + type + "' inside '" + box.type + "' is cut off");
                }
                size = parent.getLong(start + 8);
                header = 16;
            } else if (size == 0) {
                // jcodec skips zero words; anything after them would be parsed out of step.
                for (int i = start; i < parent.limit(); i++) {
                    if (parent.get(i) != 0) {
                        throw corrupt(name, "box '" + type + "' inside '" + box.type + "' has size 0");
                    }
                }
                break;
            }
            if (size < header || size > parent.limit() - start) {
                throw corrupt(name, "box '" + type + "' inside '" + box.type + "' declares " + size
                        + " bytes; " + (parent.limit() - start) + " are left");
            }
            ByteBuffer body = parent.duplicate().position(start + header).limit(start + (int) size).slice();
            out.add(new Box(type, body, box.at + start + header, box.at + start + 4));
            start += (int) size;
        }
        return out;
    }

    private static ByteBuffer need(Box box, int bytes, String name) {
        if (box.body.limit() < bytes) {
            throw corrupt(name, "box '" + box.type + "' is " + box.body.limit() + " bytes, too short");
        }
        return box.body;
    }

    /** A full box with a 32-bit entry count, each entry {@code entryBytes}: the count must fit. */
    private static int table(Box box, int entryBytes, String name) {
        long count = Integer.toUnsignedLong(need(box, 8, name).getInt(4));
        if (count * entryBytes > box.body.limit() - 8) {
            throw corrupt(name, "table '" + box.type + "' declares " + count + " entries in "
                    + (box.body.limit() - 8) + " bytes");
        }
        return (int) count;
    }

    private static long[] pairs(Box box, String name) {
        int count = table(box, 8, name);
        long[] out = new long[count * 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = Integer.toUnsignedLong(box.body.getInt(8 + 4 * i));
        }
        return out;
    }

    private static int[] ints(Box box, String name) {
        int count = table(box, 4, name);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = box.body.getInt(8 + 4 * i);
        }
        return out;
    }

    /** stsz: the sample count, each size (or the shared size times the count) inside the file. */
    private static int sampleSizes(Box box, long fileSize, String name) {
        ByteBuffer b = need(box, 12, name);
        long shared = Integer.toUnsignedLong(b.getInt(4));
        long count = Integer.toUnsignedLong(b.getInt(8));
        if (shared != 0) {
            if (count * shared > fileSize || count > Integer.MAX_VALUE) {
                throw corrupt(name, "table 'stsz' declares " + count + " samples of " + shared
                        + " bytes, more than the file");
            }
            return (int) count;
        }
        if (count * 4 > b.limit() - 12) {
            throw corrupt(name, "table 'stsz' declares " + count + " entries in " + (b.limit() - 12) + " bytes");
        }
        for (int i = 0; i < count; i++) {
            long size = Integer.toUnsignedLong(b.getInt(12 + 4 * i));
            if (size > fileSize) {
                throw corrupt(name, "sample " + i + " declares " + size + " bytes, more than the file");
            }
        }
        return (int) count;
    }

    private static String fourcc(ByteBuffer b) {
        byte[] four = new byte[4];
        b.get(four);
        return new String(four, StandardCharsets.ISO_8859_1);
    }

    private static VideoFormatException corrupt(String name, String why) {
        return new VideoFormatException(name + " is a corrupt MP4: " + why);
    }
}
