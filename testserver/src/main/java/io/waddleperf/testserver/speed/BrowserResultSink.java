package io.waddleperf.testserver.speed;

import io.waddleperf.core.result.ProbeResult;
import java.io.IOException;
import java.time.Instant;

/** Where a browser's speed test result goes once received and validated: the local file, and later the manager. */
@FunctionalInterface
public interface BrowserResultSink {

    void accept(ProbeResult result, String clientIp, Instant receivedAt) throws IOException;
}
