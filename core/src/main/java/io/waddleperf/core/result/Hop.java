package io.waddleperf.core.result;

/** One hop of a path (result field {@code hops[]}, docs/RESULTS.md); mtr's report columns, RTTs in milliseconds. */
public record Hop(
        int hop,
        String ip,
        String hostname,
        Double lossPercent,
        Integer sent,
        Double lastMs,
        Double avgMs,
        Double bestMs,
        Double worstMs,
        Double stddevMs) {
}
