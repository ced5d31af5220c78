package io.waddleperf.core.echo;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of decoding one echo datagram: either a value or the reason it was dropped, never both.
 *
 * @param value  the decoded datagram, null when dropped
 * @param reason why it was dropped, null when decoded
 */
public record EchoDecoded<T>(T value, DropReason reason) {

    private static final Map<DropReason, EchoDecoded<?>> DROPS = new EnumMap<>(DropReason.class);

    static {
        for (DropReason r : DropReason.values()) {
            DROPS.put(r, new EchoDecoded<>(null, r));
        }
    }

    public EchoDecoded {
        if ((value == null) == (reason == null)) {
            throw new IllegalArgumentException("exactly one of value and reason must be set");
        }
    }

    public static <T> EchoDecoded<T> ok(T value) {
        return new EchoDecoded<>(Objects.requireNonNull(value, "value"), null);
    }

    /** The shared instance for {@code reason} (drops allocate nothing). */
    @SuppressWarnings("unchecked")
    public static <T> EchoDecoded<T> dropped(DropReason reason) {
        return (EchoDecoded<T>) DROPS.get(Objects.requireNonNull(reason, "reason"));
    }

    public boolean isOk() {
        return value != null;
    }
}
