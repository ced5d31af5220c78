package io.waddleperf.iperf3;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fills a data buffer once before a stream starts, as iperf3 does: random bytes, or "0123456789" repeated when
 * {@code repeating_payload} is set ({@code fill_with_repeating_pattern}, {@code src/iperf_util.c}).
 */
public final class Payload {

    private Payload() {
    }

    /** Fills {@code buffer} from 0 to its capacity; position and limit are left at 0 and capacity. */
    public static void fill(ByteBuffer buffer, boolean repeating) {
        buffer.clear();
        if (repeating) {
            for (int i = 0; i < buffer.capacity(); i++) {
                buffer.put(i, (byte) ('0' + i % 10));
            }
        } else {
            byte[] chunk = new byte[Math.min(buffer.capacity(), 64 * 1024)];
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int off = 0; off < buffer.capacity(); off += chunk.length) {
                random.nextBytes(chunk);
                buffer.put(off, chunk, 0, Math.min(chunk.length, buffer.capacity() - off));
            }
        }
    }
}
