package io.waddleperf.core.result;

/** One reporting interval of a throughput test (SPEC §2 {@code intervals[]}); seconds since the test start. */
public record Interval(
        double startSeconds,
        double endSeconds,
        long bytes,
        double throughputMbps,
        Long retransmits) {
}
