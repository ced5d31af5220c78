/**
 * The UDP echo responder that answers WaddlePerf's {@code udp} probe on port 2000 (docs/PROTOCOL-udp-echo.md),
 * with its configuration and per-source rate limit.
 */
package io.waddleperf.testserver.echo;
