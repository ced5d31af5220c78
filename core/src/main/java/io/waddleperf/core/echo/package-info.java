/**
 * The wire format of WaddlePerf's UDP echo "ping" (docs/PROTOCOL-udp-echo.md): encoding requests,
 * validating them on the server, turning them into replies in place, and decoding replies, with no I/O.
 */
package io.waddleperf.core.echo;
