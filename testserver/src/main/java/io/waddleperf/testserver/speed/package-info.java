/**
 * The HTTP speed test endpoints of the test server (docs/PROTOCOL-http-speedtest.md): the original's {@code /speedtest/*},
 * LibreSpeed's {@code garbage}/{@code empty}/{@code getIP}, and the responsiveness ({@code /.well-known/nq})
 * endpoints, with per-client stream and byte limits and a guard against clients that stall.
 */
package io.waddleperf.testserver.speed;
