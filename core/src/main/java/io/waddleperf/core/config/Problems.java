package io.waddleperf.core.config;

import java.util.function.BiConsumer;

/** The collector a {@link Validated} record reports its problems to, by key relative to the record. */
public final class Problems {

    private final String recordPath;
    private final BiConsumer<String, String> sink;

    Problems(String recordPath, BiConsumer<String, String> sink) {
        this.recordPath = recordPath;
        this.sink = sink;
    }

    /**
     * Reports a problem with the component whose external (snake_case) name is {@code key}, e.g.
     * {@code add("http_port", "must be between 1 and 65535, got 0")}; an empty key means the record as a whole.
     */
    public void add(String key, String message) {
        sink.accept(key.isEmpty() ? recordPath : Names.join(recordPath, key), message);
    }

    /** Reports {@code message} for {@code key} unless {@code ok}. */
    public void require(boolean ok, String key, String message) {
        if (!ok) {
            add(key, message);
        }
    }
}
