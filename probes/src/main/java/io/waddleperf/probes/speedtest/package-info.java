/** The {@code speedtest} probe: HTTP download and upload capacity with parallel streams, against WaddlePerf or LibreSpeed servers. */
package io.waddleperf.probes.speedtest;
