package io.waddleperf.manager.store;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * UUIDs as the 16-byte keys of every table ({@code BINARY(16)}): half the size of their text form in every index,
 * and for UUIDv7 result ids the byte order is creation order, so inserts append to the primary key's B-tree.
 */
public final class Uuids {

    private Uuids() {
    }

    public static byte[] toBytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    }

    public static UUID fromBytes(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length != 16) {
            throw new IllegalArgumentException("a UUID key has 16 bytes, got " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new UUID(b.getLong(), b.getLong());
    }
}
