package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;

/** The terminal report of one probe type, written the way the tool people know for that measurement writes it. */
interface Report {

    /** A successful result. */
    void render(ProbeResult r, Page page);

    /**
     * What a failed result still shows after its one error line; nothing by default, since a figure measured on the
     * way to a failure is easy to misread as the answer. Path probes show the hops they found.
     */
    default void afterFailure(ProbeResult r, Page page) {
    }
}
