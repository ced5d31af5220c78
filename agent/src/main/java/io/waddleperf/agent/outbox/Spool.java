package io.waddleperf.agent.outbox;

import io.waddleperf.agent.AgentConfig.WhenFull;
import io.waddleperf.core.units.Units;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable spool under the outbox folder: append-only segment files of framed records, one cursor file per sink.
 *
 * <h2>On disk</h2>
 * {@code segments/<first seq, 20 digits>.seg}: records back to back, each framed as
 * {@code int32 payload length | int64 seq | payload (UTF-8 JSON) | int32 CRC-32C of the three before it}, big-endian.
 * Sequence numbers rise by one per record. A segment is closed when the next record would take it past
 * {@code segment_bytes}. {@code cursors/<sink>}: {@code int64 seq | int32 CRC-32C}, the highest seq that sink has,
 * replaced atomically (write a temporary file, fsync, rename, fsync the folder).
 *
 * <h2>Durability</h2>
 * {@link #append} returns only after the record is written and fsync'd (and, for a new segment, its folder entry);
 * a cursor moves only after its sink confirmed. A crash at any point therefore loses no appended record, and at
 * worst sends a batch a sink already had again (sinks are idempotent on the result id).
 *
 * <h2>Recovery</h2>
 * Opening scans every segment. A record cut short at the end of the newest segment is what a crash during a write
 * leaves: it is cut off (it was never acknowledged to anyone). Anything else that does not check out — a CRC
 * mismatch, an impossible length, a sequence number out of order, a file that is not a segment — is corruption: the
 * file is copied to {@code quarantine/} (for a person to look at) and the segment keeps only its records before the
 * damage, with a warning; the agent goes on.
 *
 * <h2>Size cap</h2>
 * The segments together stay within {@code max_bytes}. When a new record does not fit, {@code when_full} decides:
 * {@code drop_oldest} deletes the oldest segments (with results some sink has not yet received), {@code
 * drop_newest} refuses the new result. Either way the loss is counted and logged as a warning naming the sinks
 * that missed results; a warning also comes when the spool first passes 80 % of its cap.
 */
public final class Spool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    static final int HEADER_BYTES = 12;
    static final int TRAILER_BYTES = 4;
    static final int MAX_RECORD_BYTES = 16 << 20;
    private static final Pattern SEGMENT_NAME = Pattern.compile("[0-9]{20}\\.seg");
    private static final Pattern SINK_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private final Path segmentsDir;
    private final Path cursorsDir;
    private final Path quarantineDir;
    private final long maxBytes;
    private final long segmentBytes;
    private final WhenFull whenFull;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Map<String, Long> cursors = new LinkedHashMap<>();
    private long nextSeq;
    private long totalBytes;
    private long dropped;
    private long quarantined;
    private boolean warnedHigh;

    /** One segment file and the position of each record in it. */
    private static final class Segment {
        final Path path;
        final FileChannel channel;
        long[] seqs = new long[64];
        long[] offsets = new long[64];
        int count;
        long bytes;

        Segment(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        void add(long seq, long offset) {
            if (count == seqs.length) {
                seqs = Arrays.copyOf(seqs, count * 2);
                offsets = Arrays.copyOf(offsets, count * 2);
            }
            seqs[count] = seq;
            offsets[count] = offset;
            count++;
        }

        long first() {
            return seqs[0];
        }

        long last() {
            return seqs[count - 1];
        }

        /** The index of the first record with a seq above {@code seq}. */
        int indexAfter(long seq) {
            int i = Arrays.binarySearch(seqs, 0, count, seq);
            return i >= 0 ? i + 1 : -i - 1;
        }
    }

    private Spool(Path dir, long maxBytes, long segmentBytes, WhenFull whenFull) {
        this.segmentsDir = dir.resolve("segments");
        this.cursorsDir = dir.resolve("cursors");
        this.quarantineDir = dir.resolve("quarantine");
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.whenFull = whenFull;
    }

    /**
     * Opens (creating or recovering) the spool in {@code dir} for the named sinks; a sink without a cursor yet
     * starts at the oldest record held, a cursor of a sink no longer named is removed.
     *
     * @throws IOException when the folder cannot be created or read
     */
    public static Spool open(Path dir, long maxBytes, long segmentBytes, WhenFull whenFull, Collection<String> sinks)
            throws IOException {
        for (String s : sinks) {
            if (!SINK_NAME.matcher(s).matches()) {
                throw new IllegalArgumentException("sink name '" + s + "' is not snake_case");
            }
        }
        Spool spool = new Spool(dir, maxBytes, segmentBytes, whenFull);
        spool.recover(sinks);
        return spool;
    }

    private void recover(Collection<String> sinks) throws IOException {
        Files.createDirectories(segmentsDir);
        Files.createDirectories(cursorsDir);
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(segmentsDir)) {
            ds.forEach(files::add);
        }
        files.sort(null);
        long maxSeq = 0;
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            if (!SEGMENT_NAME.matcher(f.getFileName().toString()).matches() || !Files.isRegularFile(f)) {
                quarantine(f, "is not a spool segment", true);
                continue;
            }
            Segment s = scan(f, i == files.size() - 1, maxSeq);
            if (s == null) {
                continue;
            }
            if (s.count == 0) {
                s.channel.close();
                Files.delete(f);
                continue;
            }
            segments.put(s.first(), s);
            totalBytes += s.bytes;
            maxSeq = s.last();
        }
        long maxCursor = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(cursorsDir)) {
            for (Path c : ds) {
                String name = c.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(c);
                    continue;
                }
                long seq = readCursor(c);
                if (!sinks.contains(name)) {
                    LOG.info("outbox: sink '{}' is no longer configured; its cursor is removed", name);
                    Files.deleteIfExists(c);
                } else {
                    cursors.put(name, seq);
                }
                maxCursor = Math.max(maxCursor, seq);
            }
        }
        for (String s : sinks) {
            cursors.putIfAbsent(s, 0L);
        }
        // After every record went out and its segments were deleted, the cursors still know how far the sequence
        // had come; starting lower would make a sink skip new records as already delivered.
        nextSeq = Math.max(maxSeq, maxCursor) + 1;
        collect();
        LOG.info("outbox: {} results in {} segments ({}), next seq {}", count(), segments.size(),
                Units.formatBytes(totalBytes), nextSeq);
    }

    /** Reads one segment's records; null when the whole file was quarantined. */
    private Segment scan(Path f, boolean newest, long previousSeq) throws IOException {
        FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Segment s = new Segment(f, ch);
        long size = ch.size();
        long pos = 0;
        long prev = previousSeq;
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        String damage = null;
        boolean torn = false;
        while (pos < size) {
            long left = size - pos;
            if (left < HEADER_BYTES + TRAILER_BYTES) {
                torn = true;
                damage = "a record cut short (" + left + " bytes)";
                break;
            }
            header.clear();
            readFully(ch, header, pos);
            header.flip();
            int length = header.getInt();
            long seq = header.getLong();
            if (length <= 0 || length > MAX_RECORD_BYTES) {
                torn = length == 0 && allZero(ch, pos, size);
                damage = "a record length of " + length + " bytes at offset " + pos;
                break;
            }
            if (HEADER_BYTES + (long) length + TRAILER_BYTES > left) {
                torn = true;
                damage = "a record cut short at offset " + pos;
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(length + TRAILER_BYTES);
            readFully(ch, body, pos + HEADER_BYTES);
            body.flip();
            CRC32C crc = new CRC32C();
            header.flip();
            crc.update(header);
            crc.update(body.array(), 0, length);
            int stored = body.getInt(length);
            if ((int) crc.getValue() != stored) {
                damage = "a CRC mismatch at offset " + pos;
                break;
            }
            if (seq <= prev) {
                damage = "sequence number " + seq + " after " + prev + " at offset " + pos;
                break;
            }
            s.add(seq, pos);
            prev = seq;
            pos += HEADER_BYTES + length + TRAILER_BYTES;
        }
        if (damage != null) {
            if (torn && newest) {
                LOG.info("outbox: {} ends in {}, left by a write the agent did not finish; it is cut off",
                        f.getFileName(), damage);
            } else {
                quarantine(f, "has " + damage + "; its " + s.count + " records before that are kept", false);
            }
            ch.truncate(pos);
            ch.force(true);
        }
        s.bytes = pos;
        return s;
    }

    private static boolean allZero(FileChannel ch, long from, long size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8192);
        for (long p = from; p < size; ) {
            b.clear();
            int n = ch.read(b, p);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (b.get(i) != 0) {
                    return false;
                }
            }
            p += n;
        }
        return true;
    }

    /** Copies (or, with {@code move}, moves) a damaged file to {@code quarantine/} and says so. */
    private void quarantine(Path f, String why, boolean move) throws IOException {
        Files.createDirectories(quarantineDir);
        Path to = quarantineDir.resolve(f.getFileName() + "." + Instant.now().toEpochMilli());
        if (move) {
            Files.move(f, to, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
        quarantined++;
        LOG.warn("outbox: {} {}; a copy is kept as {} for inspection", f.getFileName(), why, to);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private long readCursor(Path c) throws IOException {
        byte[] bytes = Files.readAllBytes(c);
        if (bytes.length == 12) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long seq = b.getLong();
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, 8);
            if ((int) crc.getValue() == b.getInt()) {
                return seq;
            }
        }
        quarantine(c, "is not a valid cursor; that sink starts again from the oldest result held", true);
        return 0;
    }

    /**
     * Appends one result durably.
     *
     * @return its sequence number, or -1 when it was not kept (the spool full under {@code drop_newest}, or the
     *     disk refused the write); both are counted and logged
     */
    public synchronized long append(String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        if (payload.length == 0 || payload.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("a spool record is 1 byte to 16 MiB, got " + payload.length);
        }
        long frame = HEADER_BYTES + (long) payload.length + TRAILER_BYTES;
        if (!makeRoom(frame)) {
            return -1;
        }
        Segment active = segments.isEmpty() ? null : segments.lastEntry().getValue();
        try {
            if (active == null || active.bytes + frame > segmentBytes) {
                active = newSegment(nextSeq);
            }
            long seq = nextSeq;
            ByteBuffer b = ByteBuffer.allocate((int) frame);
            b.putInt(payload.length).putLong(seq).put(payload);
            CRC32C crc = new CRC32C();
            crc.update(b.array(), 0, b.position());
            b.putInt((int) crc.getValue());
            b.flip();
            long at = active.bytes;
            try {
                while (b.hasRemaining()) {
                    active.channel.write(b, at + b.position());
                }
                active.channel.force(false);
            } catch (IOException e) {
                active.channel.truncate(at);
                throw e;
            }
            if (active.count == 0) {
                segments.put(seq, active);
            }
            active.add(seq, at);
            active.bytes += frame;
            totalBytes += frame;
            nextSeq++;
            warnIfHigh();
            notifyAll();
            return seq;
        } catch (IOException e) {
            dropped++;
            LOG.error("outbox: cannot write a result to {} ({}); the result is lost (the disk may be full)",
                    segmentsDir, e.getMessage());
            return -1;
        }
    }

    private Segment newSegment(long firstSeq) throws IOException {
        Path p = segmentsDir.resolve(String.format("%020d.seg", firstSeq));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        fsyncDirectory(segmentsDir);
        return new Segment(p, ch);
    }

    /** Applies the size cap; false when the new record is to be refused. */
    private boolean makeRoom(long frame) {
        if (totalBytes + frame <= maxBytes) {
            return true;
        }
        if (whenFull == WhenFull.DROP_NEWEST || segments.size() < 2) {
            dropped++;
            if (dropped == 1 || dropped % 1000 == 0) {
                LOG.warn("outbox full ({} of {}): {} new results dropped so far (when_full: drop_newest); sinks "
                        + "behind: {}", Units.formatBytes(totalBytes), Units.formatBytes(maxBytes), dropped, behind(nextSeq));
            }
            return false;
        }
        long lost = 0;
        String sinksBehind = "";
        while (totalBytes + frame > maxBytes && segments.size() >= 2) {
            Segment oldest = segments.firstEntry().getValue();
            long undelivered = 0;
            for (int i = 0; i < oldest.count; i++) {
                if (oldest.seqs[i] > minCursor()) {
                    undelivered++;
                }
            }
            sinksBehind = behind(oldest.last());
            lost += undelivered;
            delete(oldest);
        }
        dropped += lost;
        LOG.warn("outbox full (cap {}): dropped the oldest results to make room (when_full: drop_oldest): {} not "
                + "yet delivered to {} are lost", Units.formatBytes(maxBytes), lost, sinksBehind);
        return true;
    }

    private String behind(long seq) {
        List<String> names = new ArrayList<>();
        cursors.forEach((name, c) -> {
            if (c < seq) {
                names.add(name);
            }
        });
        return names.isEmpty() ? "no sink" : String.join(", ", names);
    }

    private void warnIfHigh() {
        if (!warnedHigh && totalBytes > maxBytes * 0.8) {
            warnedHigh = true;
            LOG.warn("outbox is {} % full ({} of {}): a sink is not keeping up ({}); when full, {}",
                    totalBytes * 100 / maxBytes, Units.formatBytes(totalBytes), Units.formatBytes(maxBytes),
                    behind(nextSeq), whenFull == WhenFull.DROP_OLDEST ? "the oldest results are dropped"
                            : "new results are dropped");
        } else if (warnedHigh && totalBytes < maxBytes * 0.5) {
            warnedHigh = false;
        }
    }

    /** Up to {@code max} records after {@code sink}'s cursor, oldest first (empty when it has everything). */
    public synchronized List<SpooledResult> read(String sink, int max) {
        long after = cursor(sink);
        List<SpooledResult> out = new ArrayList<>();
        Map.Entry<Long, Segment> e = segments.floorEntry(after + 1);
        Iterable<Segment> from = e == null ? segments.values() : segments.tailMap(e.getKey(), true).values();
        try {
            for (Segment s : from) {
                for (int i = s.indexAfter(after); i < s.count && out.size() < max; i++) {
                    out.add(new SpooledResult(s.seqs[i], readPayload(s, s.offsets[i])));
                }
                if (out.size() >= max) {
                    break;
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("outbox: cannot read a spooled result", ex);
        }
        return out;
    }

    private static String readPayload(Segment s, long offset) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        readFully(s.channel, header, offset);
        int length = header.getInt(0);
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(s.channel, body, offset + HEADER_BYTES);
        return new String(body.array(), StandardCharsets.UTF_8);
    }

    /** Waits up to {@code millis} for a record after {@code sink}'s cursor to exist. */
    public synchronized void awaitNew(String sink, long millis) throws InterruptedException {
        if (pending(sink) == 0) {
            wait(millis);
        }
    }

    /**
     * Records that {@code sink} has every result up to {@code seq}: saved durably, then segments every sink has are
     * deleted.
     */
    public synchronized void acknowledge(String sink, long seq) throws IOException {
        long current = cursor(sink);
        if (seq <= current) {
            return;
        }
        Path tmp = cursorsDir.resolve(sink + ".tmp");
        ByteBuffer b = ByteBuffer.allocate(12).putLong(seq);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 8);
        b.putInt((int) crc.getValue()).flip();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, cursorsDir.resolve(sink), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, cursorsDir.resolve(sink), StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDirectory(cursorsDir);
        cursors.put(sink, seq);
        collect();
    }

    private long cursor(String sink) {
        Long c = cursors.get(sink);
        if (c == null) {
            throw new IllegalArgumentException("no sink named '" + sink + "' in this spool");
        }
        return c;
    }

    private long minCursor() {
        return cursors.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
    }

    /** Deletes every segment, except the one being written, whose records every sink has. */
    private void collect() {
        long min = minCursor();
        while (segments.size() > 1 && segments.firstEntry().getValue().last() <= min) {
            delete(segments.firstEntry().getValue());
        }
        if (segments.size() == 1 && cursors.isEmpty()) {
            // no sink at all: nothing will ever read the newest segment either, once it is full
            Segment only = segments.firstEntry().getValue();
            if (only.bytes >= segmentBytes) {
                delete(only);
            }
        }
    }

    private void delete(Segment s) {
        segments.remove(s.first());
        totalBytes -= s.bytes;
        try {
            s.channel.close();
            Files.deleteIfExists(s.path);
        } catch (IOException e) {
            LOG.warn("outbox: cannot delete {} ({})", s.path, e.getMessage());
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot open or fsync a folder; the rename itself is still atomic there
            if (!(e.getMessage() != null && e.getMessage().contains("Is a directory"))) {
                throw e;
            }
        }
    }

    /** Results held that {@code sink} does not have yet. */
    public synchronized long pending(String sink) {
        long after = cursor(sink);
        long n = 0;
        for (Segment s : segments.values()) {
            n += s.count - s.indexAfter(after);
        }
        return n;
    }

    /** Results held (some sink does not have them yet, or their segment is still being written). */
    public synchronized long count() {
        return segments.values().stream().mapToLong(s -> s.count).sum();
    }

    public synchronized long bytes() {
        return totalBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Results lost to the size cap or a failed write since the spool was opened. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Files set aside as damaged since the spool was opened. */
    public synchronized long quarantined() {
        return quarantined;
    }

    /** The sink names with their cursors. */
    public synchronized Map<String, Long> cursors() {
        return new HashMap<>(cursors);
    }

    @Override
    public synchronized void close() throws IOException {
        for (Segment s : segments.values()) {
            s.channel.close();
        }
        segments.clear();
        notifyAll();
    }
}
