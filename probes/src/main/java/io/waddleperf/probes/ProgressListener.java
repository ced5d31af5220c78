package io.waddleperf.probes;

/**
 * Sees a long probe's {@link Progress} as it happens, on the prober's own threads: it must return quickly and never
 * throw (a listener that throws is ignored, the probe carries on). Probes that take a second or less report none.
 */
@FunctionalInterface
public interface ProgressListener {

    /** Nobody is watching. */
    ProgressListener NONE = p -> { };

    void progress(Progress step);

    /** Passes {@code step} on; a failing listener must not fail the measurement. */
    static void tell(ProgressListener listener, Progress step) {
        try {
            listener.progress(step);
        } catch (RuntimeException e) {
            // showing progress is a courtesy; the measurement goes on without it
        }
    }
}
