package io.waddleperf.core.result;

/** One reporting interval of a throughput test (result field {@code intervals[]}, docs/RESULTS.md); seconds since the test start. */
public record Interval(
        double startSeconds,
        double endSeconds,
        long bytes,
        double throughputMbps,
        Long retransmits) {
}
