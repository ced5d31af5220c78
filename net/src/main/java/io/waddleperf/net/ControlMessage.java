package io.waddleperf.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * One ancillary message of {@code recvmsg(2)} ({@code struct cmsghdr} + data; cmsg(3)): level, type and the data
 * bytes. On LP64 Linux the header is {@code size_t cmsg_len; int cmsg_level; int cmsg_type;} (16 bytes), data
 * starts at {@code CMSG_ALIGN(sizeof(struct cmsghdr))} = 16, and the next header at
 * {@code CMSG_ALIGN(cmsg_len)} with 8-byte alignment — identical on x86-64 and aarch64.
 */
public record ControlMessage(int level, int type, byte[] data) {

    static final int HEADER_BYTES = 16;
    private static final int ALIGN = 8;

    /** The data as a native-order {@code int} (e.g. {@code IP_TTL}, {@code IPV6_HOPLIMIT}). */
    public int intValue() {
        if (data.length < 4) {
            throw new IllegalStateException("control message " + level + "/" + type + " holds " + data.length + " bytes, not an int");
        }
        return MemorySegment.ofArray(data).get(JAVA_INT_UNALIGNED, 0);
    }

    /** True when this is the message {@code level}/{@code type}. */
    public boolean is(int level, int type) {
        return this.level == level && this.type == type;
    }

    /**
     * Walks the first {@code length} bytes of a control buffer (CMSG_FIRSTHDR / CMSG_NXTHDR); a header whose
     * length is too short or runs past the end ends the walk, as glibc's CMSG_NXTHDR does.
     */
    public static List<ControlMessage> parse(MemorySegment buffer, long length) {
        List<ControlMessage> messages = new ArrayList<>();
        long end = Math.min(length, buffer.byteSize());
        long offset = 0;
        while (offset + HEADER_BYTES <= end) {
            long cmsgLen = buffer.get(JAVA_LONG.withByteAlignment(1), offset);
            if (cmsgLen < HEADER_BYTES || offset + cmsgLen > end) {
                break;
            }
            int level = buffer.get(JAVA_INT.withByteAlignment(1), offset + 8);
            int type = buffer.get(JAVA_INT.withByteAlignment(1), offset + 12);
            byte[] data = buffer.asSlice(offset + HEADER_BYTES, cmsgLen - HEADER_BYTES).toArray(JAVA_BYTE);
            messages.add(new ControlMessage(level, type, data));
            offset += (cmsgLen + ALIGN - 1) & -ALIGN;
        }
        return messages;
    }
}
