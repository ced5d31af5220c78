/**
 * An iperf3 server compatible with stock iperf3 ≥ 3.12 clients: control sessions on virtual threads, one thread per
 * data stream, admission limits, an idle watchdog and a maximum test duration.
 */
package io.waddleperf.iperf3.server;
