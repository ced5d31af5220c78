/**
 * The {@code udp} probe: WaddlePerf's UDP echo "ping" against a test server's echo responder
 * (docs/PROTOCOL-udp-echo.md), sending on schedule and receiving concurrently.
 */
package io.waddleperf.probes.udp;
