package io.waddleperf.manager.store;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
        // the layout DataOutputStream writes (big-endian, modified UTF-8 strings), written into one array: through a
        // DataOutputStream on a ByteArrayOutputStream every field was a synchronized call, on each ingest's path
        Out out = new Out(64 + entries.size() * 128);
        out.writeByte(FORMAT);
        out.writeInt(entries.size());
        for (RollupFigures f : entries) {
            out.writeLong(f.bucket.getEpochSecond());
            out.writeLong(f.series.getMostSignificantBits());
            out.writeLong(f.series.getLeastSignificantBits());
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
        return out.toByteArray();
    }

    /** A growing array written as {@link java.io.DataOutput} lays values out. */
    private static final class Out {
        private byte[] b;
        private int n;

        Out(int capacity) {
            b = new byte[capacity];
        }

        private void room(int more) {
            if (n + more > b.length) {
                b = Arrays.copyOf(b, Math.max(b.length * 2, n + more));
            }
        }

        void writeByte(int v) {
            room(1);
            b[n++] = (byte) v;
        }

        void writeBoolean(boolean v) {
            writeByte(v ? 1 : 0);
        }

        void writeInt(int v) {
            room(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                b[n++] = (byte) (v >>> shift);
            }
        }

        void writeLong(long v) {
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                b[n++] = (byte) (v >>> shift);
            }
        }

        void writeDouble(double v) {
            writeLong(Double.doubleToLongBits(v));
        }

        void write(byte[] bytes) {
            room(bytes.length);
            System.arraycopy(bytes, 0, b, n, bytes.length);
            n += bytes.length;
        }

        /** As {@link DataOutputStream#writeUTF}: a two-byte length, then modified UTF-8. */
        void writeUTF(String s) {
            int len = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                len += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
            }
            if (len > 65535) {
                throw new UncheckedIOException(new java.io.UTFDataFormatException("encoded string too long: " + len + " bytes"));
            }
            room(2 + len);
            b[n++] = (byte) (len >>> 8);
            b[n++] = (byte) len;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c >= 0x0001 && c <= 0x007F) {
                    b[n++] = (byte) c;
                } else if (c <= 0x07FF) {
                    b[n++] = (byte) (0xC0 | (c >> 6));
                    b[n++] = (byte) (0x80 | (c & 0x3F));
                } else {
                    b[n++] = (byte) (0xE0 | (c >> 12));
                    b[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[n++] = (byte) (0x80 | (c & 0x3F));
                }
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(b, n);
        }
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
