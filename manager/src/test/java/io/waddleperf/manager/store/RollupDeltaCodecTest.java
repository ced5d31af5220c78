package io.waddleperf.manager.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The delta's stored form: what {@link RollupDeltaCodec#encode} writes must be byte for byte what the format's
 * DataOutputStream layout gives (deltas already stored are read back by it), and decode what it wrote.
 */
class RollupDeltaCodecTest {

    /** The format as DataOutputStream writes it (the codec's first form). */
    private static byte[] reference(List<RollupFigures> entries) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
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
        }
        return bytes.toByteArray();
    }

    private static RollupFigures figures(Random rnd, String device, String target) {
        RollupFigures f = new RollupFigures(Instant.ofEpochSecond(1_800_000_000L + rnd.nextInt(1 << 20) * 60L),
                new UUID(rnd.nextLong(), rnd.nextLong()), null, null, device, target, "tcp");
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            f.count++;
            if (rnd.nextBoolean()) {
                f.successes++;
                double l = rnd.nextDouble() * 1000;
                f.latencyCount++;
                f.latencySum += l;
                f.latencyMin = f.latencyMin == null ? l : Math.min(f.latencyMin, l);
                f.latencyMax = f.latencyMax == null ? l : Math.max(f.latencyMax, l);
                f.histogram.add(l);
            }
            f.lossCount++;
            f.lossSum += rnd.nextDouble();
        }
        f.throughputCount = rnd.nextInt(3);
        f.throughputSum = rnd.nextDouble() * f.throughputCount;
        return f;
    }

    @Test
    void encodesAsTheFormatsDataOutputLayoutAndDecodesWhatItWrote() throws Exception {
        Random rnd = new Random(7);
        // ASCII, a NUL, two- and three-byte characters and a surrogate pair: modified UTF-8 writes each differently
        List<String> texts = List.of("tcp://192.0.2.1:443", "a\u0000b", "caf\u00e9", "\u20ac\u4e2d", "\uD83D\uDE00", "",
                "x".repeat(512));
        for (int round = 0; round < 50; round++) {
            List<RollupFigures> entries = new java.util.ArrayList<>();
            for (int i = 0; i < rnd.nextInt(300); i++) {
                entries.add(figures(rnd, rnd.nextInt(4) == 0 ? null : texts.get(rnd.nextInt(texts.size())),
                        texts.get(rnd.nextInt(texts.size()))));
            }
            byte[] encoded = RollupDeltaCodec.encode(entries);
            assertThat(encoded).isEqualTo(reference(entries));
            List<RollupFigures> back = RollupDeltaCodec.decode(encoded, null, null);
            assertThat(back).hasSize(entries.size());
            for (int i = 0; i < entries.size(); i++) {
                assertThat(back.get(i).toRow()).usingRecursiveComparison().isEqualTo(entries.get(i).toRow());
                assertThat(back.get(i).series).isEqualTo(entries.get(i).series);
            }
        }
    }
}
