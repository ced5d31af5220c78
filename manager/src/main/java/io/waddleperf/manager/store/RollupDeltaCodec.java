package io.waddleperf.manager.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The stored form of one batch's rollup delta ({@code rollup_delta.figures}, V8__rollup_deltas.sql): the per-minute
 * figures of each series the batch touched. Binary and versioned: a format byte, the entry count, then per entry the
 * bucket (epoch seconds), series id, device (or none), target, test type, the counters and sums, the latency extremes
 * (or none) and the encoded latency histogram. OU and submitter are the row's columns, the same for every entry.
 */
final class RollupDeltaCodec {

    private static final byte FORMAT = 1;

    private RollupDeltaCodec() {
    }

    static byte[] encode(Collection<RollupFigures> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + entries.size() * 96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(entries.size());
            for (RollupFigures f : entries) {
                out.writeLong(f.bucket.getEpochSecond());
                out.write(Uuids.toBytes(f.series));
                out.writeBoolean(f.device != null);
                if (f.device != null) {
                    out.writeUTF(f.device);
                }
                out.writeUTF(f.target);
                out.writeUTF(f.testType);
                out.writeLong(f.count);
                out.writeLong(f.successes);
                out.writeLong(f.latencyCount);
                out.writeDouble(f.latencySum);
                out.writeBoolean(f.latencyMin != null);
                if (f.latencyMin != null) {
                    out.writeDouble(f.latencyMin);
                    out.writeDouble(f.latencyMax);
                }
                out.writeLong(f.lossCount);
                out.writeDouble(f.lossSum);
                out.writeLong(f.throughputCount);
                out.writeDouble(f.throughputSum);
                byte[] h = f.histogram.encode();
                out.writeInt(h.length);
                out.write(h);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * The entries of a stored delta.
     *
     * @throws IllegalStateException when {@code figures} is not a delta of this format (a damaged row)
     */
    static List<RollupFigures> decode(byte[] figures, UUID ouId, UUID submittedBy) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(figures))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("rollup_delta.figures: unknown format " + format);
            }
            int n = in.readInt();
            List<RollupFigures> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Instant bucket = Instant.ofEpochSecond(in.readLong());
                byte[] series = new byte[16];
                in.readFully(series);
                String device = in.readBoolean() ? in.readUTF() : null;
                RollupFigures f = new RollupFigures(bucket, Uuids.fromBytes(series), ouId, submittedBy, device,
                        in.readUTF(), in.readUTF());
                f.count = in.readLong();
                f.successes = in.readLong();
                f.latencyCount = in.readLong();
                f.latencySum = in.readDouble();
                if (in.readBoolean()) {
                    f.latencyMin = in.readDouble();
                    f.latencyMax = in.readDouble();
                }
                f.lossCount = in.readLong();
                f.lossSum = in.readDouble();
                f.throughputCount = in.readLong();
                f.throughputSum = in.readDouble();
                byte[] h = new byte[in.readInt()];
                in.readFully(h);
                f.histogram.mergeEncoded(h);
                out.add(f);
            }
            if (in.available() > 0) {
                throw new IllegalStateException("rollup_delta.figures: " + in.available() + " bytes after the last entry");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("rollup_delta.figures: truncated (" + e.getMessage() + ")", e);
        }
    }
}
