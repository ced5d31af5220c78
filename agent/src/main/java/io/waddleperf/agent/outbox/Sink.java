package io.waddleperf.agent.outbox;

import java.util.List;

/**
 * A destination of results (the manager, a JSON-lines file; S3, syslog, webhooks and e-mail implement the same).
 * The outbox owns retries and backoff: a sink only tries once per call. {@link #export} returns normally when the
 * destination has the whole batch (then the sink's cursor moves past it), and throws when it does not (the same
 * batch comes again, later). Because a crash can come between a successful export and the cursor being saved, a
 * batch may be exported twice: a sink must be idempotent on the results' {@code id}.
 */
public interface Sink extends AutoCloseable {

    /** The sink's name: snake_case, unique, stable across restarts (it names the sink's cursor file). */
    String name();

    /** The most results one {@link #export} call gets. */
    default int maxBatch() {
        return 500;
    }

    /**
     * Delivers {@code batch} (in spool order, never empty).
     *
     * @throws RejectedException when the destination refuses results for what they are (retrying cannot help)
     * @throws Exception for anything that may pass (unreachable, busy, refused credentials): retried later
     */
    void export(List<SpooledResult> batch) throws Exception;

    /** Pushes out anything the sink buffers itself; the default buffers nothing. */
    default void flush() throws Exception {
    }

    @Override
    default void close() throws Exception {
    }
}
