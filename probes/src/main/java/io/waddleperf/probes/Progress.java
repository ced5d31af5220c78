package io.waddleperf.probes;

/**
 * One step of a long probe as it runs (a second of a throughput test, an interval of a responsiveness test), for
 * whoever shows progress while the result is still being made. It is not part of the result: the result's own
 * figures are computed on their own terms (grace periods, trimmed means) and may differ from these.
 *
 * @param phase what the probe is doing, e.g. {@code download}, {@code upload}, {@code load}, {@code send}, {@code receive}
 * @param startSeconds start of the step, seconds since the phase began
 * @param endSeconds end of the step, seconds since the phase began
 * @param bytes application bytes moved in the step
 * @param mbps the step's rate in 10^6 bit/s
 * @param note a short extra figure in words (e.g. {@code 8 connections, 1234 RPM}), or null
 */
public record Progress(String phase, double startSeconds, double endSeconds, long bytes, double mbps, String note) {

    /** A step whose rate is its bytes over its own length. */
    public static Progress of(String phase, double startSeconds, double endSeconds, long bytes, String note) {
        double seconds = endSeconds - startSeconds;
        return new Progress(phase, startSeconds, endSeconds, bytes, seconds > 0 ? bytes * 8 / seconds / 1e6 : 0, note);
    }
}
